#include "hub/router/heading_loader.h"

#include "hub/router/glob.h"
#include "hub/router/parties.h"

namespace gallery::router {

std::vector<HeadingTranslation> HeadingLoader::Parse(const YAML::Node& headings,
                                                     RuleYaml& yaml) {
  std::vector<HeadingTranslation> out;
  if (!headings.IsDefined() || headings.IsNull()) return out;
  if (!headings.IsSequence()) {
    yaml.errors().Add(headings, "'headings' must be a list of translations");
    return out;
  }
  for (const YAML::Node& node : headings) ParseEntry(node, yaml, out);
  return out;
}

void HeadingLoader::ParseEntry(const YAML::Node& node, RuleYaml& yaml,
                               std::vector<HeadingTranslation>& out) {
  constexpr std::string_view kOwner = "heading translation";
  if (!node.IsMap()) {
    yaml.errors().Add(node, "each heading translation must be a map with keys: to, from, rename");
    return;
  }
  CheckKeys(node, {"to", "from", "rename"}, yaml.errors());
  HeadingTranslation translation;
  translation.defined_at = yaml.Location(node);
  for (const YAML::Node& item : yaml.List(node, "to", true, "agency or kind", kOwner)) {
    if (auto party = yaml.ParseParty(item, PartyUse::kHeadings)) translation.to.push_back(*party);
  }
  for (const YAML::Node& item : yaml.List(node, "from", false, "", kOwner)) {
    if (auto party = yaml.ParseParty(item, PartyUse::kHeadings)) {
      translation.from.push_back(*party);
    }
  }
  const YAML::Node rename = node["rename"];
  if (!rename.IsDefined() || rename.IsNull()) {
    yaml.errors().Add(node.Mark(), "heading translation is missing required key 'rename'");
    return;
  }
  if (!rename.IsMap() || rename.size() == 0) {
    yaml.errors().Add(rename, "'rename' must map source headings to the recipients' headings");
    return;
  }
  CheckNoDuplicateKeys(rename, yaml.errors());

  Seen seen{AgenciesNamed(translation.to, agencies_), AgenciesNamed(translation.from, agencies_),
            {}};
  for (auto it = rename.begin(); it != rename.end(); ++it) {
    const YAML::Node from = it->first;
    const YAML::Node to = it->second;
    if (!from.IsScalar() || !to.IsScalar() || from.Scalar().empty() || to.Scalar().empty()) {
      yaml.errors().Add(from, "each 'rename' entry must map a heading to a non-empty heading");
      continue;
    }
    Rename entry{AsciiLower(from.Scalar()), to.Scalar(), yaml.Where(from)};
    CheckConflicts(seen, entry, from, yaml);
    seen.renames.push_back(std::move(entry));
    translation.rename.emplace_back(from.Scalar(), to.Scalar());
  }
  seen_.push_back(std::move(seen));
  out.push_back(std::move(translation));
}

void HeadingLoader::CheckConflicts(const Seen& current, const Rename& rename,
                                   const YAML::Node& at, RuleYaml& yaml) const {
  auto overlaps = [&](const Seen& other) {
    return Intersect(current.to, other.to) &&
           (current.from.empty() || other.from.empty() || Intersect(current.from, other.from));
  };
  auto check = [&](const Seen& other) {
    for (const Rename& earlier : other.renames) {
      if (earlier.heading != rename.heading || earlier.target == rename.target) continue;
      yaml.errors().Add(at, "heading '" + std::string(at.Scalar()) + "' is renamed '" +
                                rename.target + "' here but '" + earlier.target + "' at " +
                                earlier.where + " for the same recipient and source");
      return true;
    }
    return false;
  };
  if (check(current)) return;
  for (const Seen& other : seen_) {
    if (overlaps(other) && check(other)) return;
  }
}

}  // namespace gallery::router
