#include "hub/governance/record_json.h"

#include <google/protobuf/util/json_util.h>

namespace gallery::governance {

Result<v1::Record> ParseRecordJson(std::string_view json, const std::string& file) {
  v1::Record record;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field would silently drop content
  const auto status =
      google::protobuf::util::JsonStringToMessage(std::string(json), &record, options);
  if (!status.ok()) {
    return InvalidArgument(file +
                           ": not a gallery.v1.Record in JSON: " + std::string(status.message()));
  }
  return record;
}

}  // namespace gallery::governance
