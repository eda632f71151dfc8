#include "cli/app.hpp"

int main(int argc, char** argv) { return janua::run_cli(argc, argv); }
