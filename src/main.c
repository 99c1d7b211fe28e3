/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv) {
        exit(cli_run(argc, argv));
}
