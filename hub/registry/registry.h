// Registry: the hub's consent registry and relationship registry. Learns from
// records as they are journaled, answers the router (SubjectState), and reports
// a subject's history.
#pragma once

#include <cstdint>
#include <functional>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"
#include "hub/common/result.h"
#include "hub/registry/subject_facts.h"
#include "hub/registry/teaching.h"
#include "hub/router/subject_state.h"
#include "hub/store/store.h"

namespace gallery::registry {

// Not thread-safe: hubd drives it from its one thread, like the store. Queries
// never block.
class Registry final : public router::SubjectState {
public:
  // Rebuilds the registry from every fact journaled in `store`
  // (Store::RegistryFacts), in journal order. Facts of a kind this version does
  // not know are skipped and counted in the log. kDataLoss for a fact that
  // cannot be decoded; the store's errors as they are. Blocks on the store.
  static Result<std::unique_ptr<Registry>>
  Load(store::Store &store, const std::vector<Agency> &agencies);
  // An empty registry (tests, and tools that replay records themselves).
  explicit Registry(const std::vector<Agency> &agencies);

  // Derives what `record` teaches (hub/registry/README.md), applies it, and
  // returns the facts, serialized, for the caller to journal with the record
  // (NewRecord:: registry_facts) in the same commit. Empty for most records.
  // `record` must have its received_at set and must not have been learned
  // before. Never fails: a record whose fields do not say enough teaches
  // nothing (logged at debug level with its id).
  std::vector<std::string> Learn(const v1::Record &record);

  // A batch of Learn calls whose facts are journaled together. After
  // BeginBatch, every change is remembered until CommitBatch keeps it or
  // RollbackBatch undoes it (the store refused the commit). A batch may begin
  // while earlier ones are open (the hub routes its next batch while the last
  // is written): CommitBatch keeps the oldest open batch, RollbackBatch undoes
  // the newest.
  void BeginBatch();
  void CommitBatch();
  void RollbackBatch();

  // router::SubjectState. The record id in a ConsentView is valid until the
  // next Learn, RollbackBatch or destruction.
  router::ConsentView Consent(const v1::Subject &subject,
                              std::string_view protocol,
                              std::string_view purpose) const override;
  void
  ForEachRelationship(const v1::Subject &subject,
                      const std::function<void(std::string_view agency,
                                               std::string_view relationship)>
                          &visit) const override;

  // History, for reports: every consent directive and relationship learned
  // about the subject with key `subject_key` (see subject_key.h), retracted and
  // ended ones included, in the order they were learned. nullptr when the
  // registry knows nothing of the subject. Valid until the next Learn,
  // RollbackBatch or destruction.
  const SubjectFacts *History(std::string_view subject_key) const;
  // As above, for the subject a record is about (any of its keys).
  const SubjectFacts *History(const v1::Subject &subject) const;

  size_t subject_count() const { return subjects_.size(); }
  uint64_t fact_count() const { return fact_count_; }

private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>()(key);
    }
  };
  using SubjectMap =
      std::unordered_map<std::string, SubjectFacts, KeyHash, std::equal_to<>>;

  // Applies `fact` to the state, remembering for RollbackBatch what it changes.
  void Apply(const registry_facts::v1::Fact &fact);
  // The facts `teaching` adds to what is known of `subject` (nothing when it
  // changes nothing).
  void AddTeaching(const v1::Record &record, const std::string &subject,
                   const Teaching &teaching, std::vector<std::string> &out);
  // The registration a record's registered_gp_ods implies, if any.
  void AddImpliedRegistration(const v1::Record &record,
                              const std::string &subject,
                              std::vector<std::string> &out);
  // Applies and serializes `fact` into `out`.
  void Emit(registry_facts::v1::Fact &fact, std::vector<std::string> &out);

  AgencyDirectory agencies_;
  SubjectMap subjects_;
  // The subject each record that taught something taught about, for its
  // retraction.
  std::unordered_map<std::string, std::string> taught_;
  uint64_t fact_count_ = 0;

  // What the batch in hand changed: each subject as it was before (nullopt:
  // absent), the records that began teaching, the fact count.
  // Open batches, oldest first: what each would restore when rolled back.
  struct OpenBatch {
    std::unordered_map<std::string, std::optional<SubjectFacts>> saved_subjects;
    std::vector<std::string> new_taught;
    uint64_t saved_fact_count = 0;
  };
  std::deque<OpenBatch> open_batches_;
};

} // namespace gallery::registry
