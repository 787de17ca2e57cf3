#include "adapters/csv/corrections_loader.h"

#include <string>

namespace gallery::csv {

void LoadCorrections(const YAML::Node& node, YamlErrors& errors, CorrectionsSpec& spec) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    errors.Add(node, "'corrections' must be a map with changed_rows and deleted");
    return;
  }
  CheckKeys(node, {"changed_rows", "deleted"}, errors);
  const std::string changed = ScalarOr(node, "changed_rows", "resend", errors);
  if (changed == "amend") {
    spec.amend_changed_rows = true;
  } else if (changed != "resend") {
    errors.Add(node["changed_rows"],
               "unknown changed_rows '" + changed + "' (expected: amend, resend)");
  }
  const YAML::Node deleted = node["deleted"];
  if (!deleted.IsDefined() || deleted.IsNull()) return;
  if (!deleted.IsMap()) {
    errors.Add(deleted, "corrections.deleted must be a map with column and values");
    return;
  }
  CheckKeys(deleted, {"column", "values"}, errors);
  const YAML::Node column = deleted["column"];
  if (!column.IsScalar() || column.Scalar().empty()) {
    errors.Add(column.IsDefined() ? column : deleted,
               "corrections.deleted: expected a column name in 'column'");
  } else {
    const YAML::Mark mark = column.Mark();
    spec.deleted_column =
        ColumnRef{column.Scalar(), "corrections.deleted", mark.line + 1, mark.column + 1, 0};
  }
  spec.deleted_values = ScalarList(deleted, "values", errors);
  if (spec.deleted_values.empty()) {
    errors.Add(deleted, "corrections.deleted: 'values' must name at least one cell value");
  }
}

}  // namespace gallery::csv
