// hubctl keys new: makes an agency's (or the hub's) CURVE key pair as two files, the secret
// one readable by its owner only.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gallery::cli {

// `args` are the words after "keys": "new AGENCY [--dir DIR]". Writes DIR/AGENCY.key (the
// secret key, mode 0600 from its creation) and DIR/AGENCY.pub (the public key, 0644),
// refusing to overwrite either, and prints the public key to `out`. Returns 0, 1 when the
// files cannot be written or exist, 2 for a usage mistake. Blocks on file I/O.
int RunKeysCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace gallery::cli
