#pragma once

#include <iostream>

namespace janua {

// The whole of janua; main() only calls this. Streams are injectable for tests.
int run_cli(int argc, char** argv, std::ostream& out = std::cout, std::ostream& err = std::cerr);

}  // namespace janua
