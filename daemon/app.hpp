#pragma once

namespace janua {

// The whole of januad; main() only calls this.
int run_daemon(int argc, char** argv);

}  // namespace janua
