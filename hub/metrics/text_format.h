// The pieces of the Prometheus text exposition format (0.0.4): escaping and number formats.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gallery::metrics {

// True when `name` matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric names).
bool IsMetricName(std::string_view name);
// True when `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__" (reserved).
bool IsLabelName(std::string_view name);

// A label value between double quotes: backslash, double quote and line feed escaped.
std::string QuoteLabelValue(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string EscapeHelp(std::string_view help);
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN", else shortest form.
std::string FormatValue(double value);

// `{a="x",b="y"}` for the given names and values, plus one more pair when `extra_name`
// is not empty (a histogram's "le"); empty when there are no pairs at all.
std::string FormatLabels(const std::vector<std::string>& names,
                         const std::vector<std::string>& values,
                         std::string_view extra_name = {}, std::string_view extra_value = {});

}  // namespace gallery::metrics
