#include "daemon/app.hpp"

int main(int argc, char** argv) { return janua::run_daemon(argc, argv); }
