// linli-hub: an empty shell around RunHubCli (admin.h).
#include <iostream>

#include "linli/hub/admin.h"

int main(int argc, char** argv) { return linli::hub::RunHubCli(argc, argv, std::cout, std::cerr, std::cin); }
