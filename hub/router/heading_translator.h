// HeadingTranslator: the protocols' heading translations resolved against the agencies, so
// that a grant finds the headings its recipient reads without comparing agency names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/router/rule.h"

namespace gallery::router {

// Immutable after construction; thread-safe. `protocols` must outlive it.
class HeadingTranslator {
 public:
  HeadingTranslator(const std::vector<Protocol>& protocols, const std::vector<Agency>& agencies);

  // Sets `headings`, parallel to record.sections(), to the heading each section travels
  // under to agency `recipient` from agency `source` (null: the source's own); leaves it
  // empty when no heading is renamed. The pointers point into the protocols.
  void Translate(const v1::Record& record, uint32_t recipient, std::optional<uint32_t> source,
                 std::vector<const std::string*>& headings) const;

 private:
  struct Applicable {
    const HeadingTranslation* translation = nullptr;
    std::vector<bool> from;  // by agency index; empty means any source
  };
  std::vector<std::vector<Applicable>> by_recipient_;  // by agency index
};

}  // namespace gallery::router
