// ElementPath: a dotted path into a FHIR resource as mappings write it ("code",
// "valueQuantity.value", "reasonCode[1]", "value[x]"), and finding it in parsed JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/common/result.h"

namespace gallery::fhir {

struct ElementPath {
  struct Step {
    std::string name;             // "code"; for a choice "value" (written "value[x]")
    bool choice = false;          // value[x]: any element named value<Type>
    std::optional<size_t> index;  // [n]; without it a list yields its first element
  };
  std::vector<Step> steps;
  std::string text;  // as written, for messages
};

// Parses "a.b[2].c" and "value[x]". kInvalidArgument naming the fault.
Result<ElementPath> ParseElementPath(std::string_view text);

// The element `path` names in `resource`, or nullptr when absent (or null, or an empty
// list). `where` is set to its FHIRPath below `base`, e.g. base "Observation" gives
// "Observation.valueQuantity" for "value[x]". Never throws.
const nlohmann::json* FindElement(const nlohmann::json& resource, const ElementPath& path,
                                  const std::string& base, std::string* where);

// The member of object `object` whose name is `name` followed by a FHIR type name
// ("valueQuantity" for "value"); nullptr when none. Sets `member` to its name.
const nlohmann::json* FindChoice(const nlohmann::json& object, std::string_view name,
                                 std::string* member);

}  // namespace gallery::fhir
