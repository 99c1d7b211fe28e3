/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test driver for the integration tests: runs the restart stage
 * (service.h) alone on this host, as apply and rollback do after they saved
 * a config, without any config store.
 *
 *   svcdrive detect                          prints the manager that runs this host
 *   svcdrive read|try-restart|restart [INST] service_live_state(), or
 *                                            service_restart_verify() with
 *                                            SERVICE_TRY_RESTART or SERVICE_RESTART
 *                                            (not expecting hardened settings)
 *
 * Prints the service report as JSON on stdout and any error on stderr;
 * exit 0 on success, 1 on failure, 2 on usage.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "service.h"

static int drive(const char *verb, const char *instance) {
        const Profile *p = profile_by_name("debian");
        ServiceOptions o = { .timeout_sec = 60 };
        ServiceReport r = {};
        ErrorInfo e = {};
        struct json_object *j;
        int k;

        if (strcmp(verb, "read") == 0)
                k = service_live_state(p, NULL, instance, NULL, &r, &e);
        else
                k = service_restart_verify(p, NULL, instance, &o,
                                           strcmp(verb, "restart") == 0 ? SERVICE_RESTART : SERVICE_TRY_RESTART,
                                           false, &r, &e);
        j = service_report_to_json(&r);
        printf("%s\n", j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY) : "null");
        json_object_put(j);
        if (k < 0) {
                char msg[1024];
                error_format(&e, k, msg, sizeof msg);
                fprintf(stderr, "svcdrive: %s\n", msg);
        }
        service_report_done(&r);
        return k < 0 ? 1 : 0;
}

int main(int argc, char **argv) {
        if (argc == 2 && strcmp(argv[1], "detect") == 0) {
                printf("%s\n", service_manager_to_string(service_manager_detect(NULL)));
                return 0;
        }
        if ((argc == 2 || argc == 3) && (strcmp(argv[1], "read") == 0 || strcmp(argv[1], "try-restart") == 0 ||
                                         strcmp(argv[1], "restart") == 0))
                return drive(argv[1], argc == 3 ? argv[2] : NULL);
        fprintf(stderr, "usage: svcdrive detect | read|try-restart|restart [INSTANCE]\n");
        return 2;
}
