#include "hub/registry/subject_key.h"

namespace gallery::registry {
namespace {

std::string LocalKey(const v1::LocalIdentifier &id) {
  return "local:" + id.agency() + ":" + id.value();
}

} // namespace

std::string SubjectKey(const v1::Subject &subject) {
  if (!subject.nhs_number().empty())
    return subject.nhs_number();
  for (const auto &id : subject.local_ids()) {
    if (!id.value().empty())
      return LocalKey(id);
  }
  return {};
}

std::vector<std::string> SubjectKeys(const v1::Subject &subject) {
  std::vector<std::string> keys;
  if (!subject.nhs_number().empty())
    keys.push_back(subject.nhs_number());
  for (const auto &id : subject.local_ids()) {
    if (!id.value().empty())
      keys.push_back(LocalKey(id));
  }
  return keys;
}

} // namespace gallery::registry
