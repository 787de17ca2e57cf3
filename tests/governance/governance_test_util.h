// Shared by the governance tests: a scratch folder, the agencies they configure, and
// records built in code.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gallery/v1/record.pb.h"
#include "hub/common/agency.h"

namespace gallery::governance::testing {

// A folder removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gallery-governance-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `text` to `name` under the folder, creating sub-folders; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = std::filesystem::path(path_) / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  std::string path_;
};

// Two practices (to check relationships), social care, nursing and housing.
inline std::vector<Agency> TestAgencies() {
  return {{"asc", "Adult Social Care", "adult-social-care", ""},
          {"dn", "District Nursing", "community-health", ""},
          {"housing", "Housing", "housing", ""},
          {"gp-a", "Practice A", "gp-practice", "A10001"},
          {"gp-b", "Practice B", "gp-practice", "B20002"}};
}

// The same agencies as a hub config's `agencies:` list.
inline constexpr const char* kAgenciesYaml = R"(agencies:
  - {id: asc, name: Adult Social Care, kind: adult-social-care}
  - {id: dn, name: District Nursing, kind: community-health}
  - {id: housing, name: Housing, kind: housing}
  - {id: gp-a, name: Practice A, kind: gp-practice, ods: A10001}
  - {id: gp-b, name: Practice B, kind: gp-practice, ods: B20002}
)";

// A protocol header with every governance detail the lint asks for; rules follow.
inline std::string Protocol(const std::string& name, const std::string& extra = "") {
  return "protocol: " + name +
         "\nversion: 1\nowners: [County Council]\napproved: 2026-01-01\n"
         "review_by: 2099-12-31\nlegal_basis: UK GDPR 6(1)(e)\n" +
         extra + "rules:\n";
}

// A single assessment from `source` about a patient of practice A: home environment,
// finances and a postcode.
inline v1::Record Assessment(const std::string& id, const std::string& source = "asc") {
  v1::Record record;
  record.set_record_id(id);
  record.set_source_agency(source);
  record.set_record_type("assessment.single");
  record.mutable_subject()->set_nhs_number("9434765919");
  record.mutable_subject()->set_registered_gp_ods("A10001");
  record.mutable_subject()->mutable_demographics()->set_postcode("ZZ1 1ZZ");
  v1::Section* home = record.add_sections();
  home->set_heading("Home environment");
  home->add_fields()->set_name("Stairs");
  home->mutable_fields(0)->set_text("steep");
  v1::Section* money = record.add_sections();
  money->set_heading("Finances");
  money->add_fields()->set_name("Income");
  money->mutable_fields(0)->set_text("pension");
  return record;
}

}  // namespace gallery::governance::testing
