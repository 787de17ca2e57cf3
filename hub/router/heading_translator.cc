#include "hub/router/heading_translator.h"

#include "hub/router/glob.h"
#include "hub/router/parties.h"

namespace gallery::router {

HeadingTranslator::HeadingTranslator(const std::vector<Protocol>& protocols,
                                     const std::vector<Agency>& agencies)
    : by_recipient_(agencies.size()) {
  for (const Protocol& protocol : protocols) {
    for (const HeadingTranslation& translation : protocol.headings) {
      Applicable applicable{&translation, {}};
      if (!translation.from.empty()) {
        applicable.from.assign(agencies.size(), false);
        for (uint32_t a : AgenciesNamed(translation.from, agencies)) applicable.from[a] = true;
      }
      for (uint32_t a : AgenciesNamed(translation.to, agencies)) {
        by_recipient_[a].push_back(applicable);
      }
    }
  }
}

void HeadingTranslator::Translate(const v1::Record& record, uint32_t recipient,
                                  std::optional<uint32_t> source,
                                  std::vector<const std::string*>& headings) const {
  headings.clear();
  for (const Applicable& applicable : by_recipient_[recipient]) {
    if (!applicable.from.empty() && (!source || !applicable.from[*source])) continue;
    for (int s = 0; s < record.sections_size(); ++s) {
      if (!headings.empty() && headings[s] != nullptr) continue;  // the loader forbids clashes
      for (const auto& [from, to] : applicable.translation->rename) {
        if (!EqualsIgnoreCase(record.sections(s).heading(), from)) continue;
        if (headings.empty()) headings.assign(record.sections_size(), nullptr);
        headings[s] = &to;
        break;
      }
    }
  }
}

}  // namespace gallery::router
