#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: memharden contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Ansible's modules are GPLv3+; the rest of memharden is LGPL-2.1-or-later,
# which allows this.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: memharden
short_description: Harden memcached against UDP amplification with memharden
version_added: "1.0.0"
description:
  - Runs C(memharden) on the managed host with C(--json) and reports what it
    did the way Ansible expects. C(memharden) edits memcached's own
    configuration files in place (C(/etc/memcached.conf),
    C(/etc/sysconfig/memcached), OpenRC's C(conf.d), systemd units), binds
    memcached to loopback or private addresses, turns UDP off with C(-U 0),
    restarts memcached through systemd, OpenRC or its SysV script, checks the
    running daemon's sockets, and puts the old configuration back when the
    restart or the check fails.
  - In check mode, I(state=hardened) runs C(memharden apply --dry-run);
    nothing is written, C(changed) says whether a real run would change a
    file, and the unified diff is returned for C(--diff).
  - I(state=checked) runs C(memharden check), which never writes; it runs in
    check mode too.
  - I(state=rolled_back) runs C(memharden rollback). memharden has no dry run
    for it, so in check mode the module only reads C(memharden backups) and
    reports C(changed) when the backup to restore exists.
options:
  state:
    description:
      - C(hardened) runs C(memharden apply).
      - C(checked) runs C(memharden check) and changes nothing.
      - C(rolled_back) runs C(memharden rollback), restoring I(backup) or the
        newest complete backup.
    type: str
    choices: [hardened, checked, rolled_back]
    default: hardened
  listen:
    description:
      - The loopback or private addresses memcached must bind, exactly
        (C(--listen)). Without it memharden keeps the private addresses
        already configured and binds 127.0.0.1 otherwise.
      - Ignored with I(state=rolled_back).
    type: list
    elements: str
  restart:
    description:
      - Restart memcached after a change. With C(false) (C(--no-restart)),
        only the files change and memcached takes them at its next start.
      - Ignored with I(state=checked).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for memharden's lock and for a restart, 1 to 3600
        (C(--timeout)). memharden's default is 90.
      - Ignored with I(state=checked).
    type: int
  root:
    description:
      - Work on the system mounted at this absolute path (an image, a
        chroot) instead of the running host (C(--root)). Nothing is
        restarted then.
    type: path
  profile:
    description:
      - The family's file layout, instead of the one C(/etc/os-release)
        names (C(--profile)).
    type: str
    choices: [debian, rhel, suse, arch, alpine, gentoo]
  backup:
    description:
      - With I(state=rolled_back), the backup to restore, as
        C(memharden backups) lists it. Default, the newest complete one.
    type: str
  fail_on_findings:
    description:
      - With I(state=checked), fail the task when memcached is not compliant
        (memharden's exit status 1). With C(false) the task succeeds and
        returns the findings.
    type: bool
    default: true
  binary:
    description:
      - The memharden program to run. A bare name is looked up in C(PATH)
        and in the C(sbin) directories.
    type: path
    default: memharden
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - With I(state=rolled_back), check mode predicts from the backup list
        and returns no diff.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - memharden must be installed on the managed host; the role
    C(memharden.hardening.memharden) installs it.
  - memharden's exit statuses map to task results. 0 is ok or changed. 1
    (not compliant) happens only with I(state=checked). 3 (bad input,
    nothing written), 4 (the restart failed and the old configuration was
    restored; C(rolled_back=true)) and 5 (runtime error) fail the task with
    memharden's message.
requirements:
  - memharden on the managed host
author:
  - memharden contributors (@memharden)
'''

EXAMPLES = r'''
- name: Harden memcached (a dry run with --check, the diff with --diff)
  memharden.hardening.memharden:

- name: Bind memcached to the host's private address and loopback
  memharden.hardening.memharden:
    listen:
      - 127.0.0.1
      - "{{ ansible_default_ipv4.address }}"

- name: Report the findings without failing the play
  memharden.hardening.memharden:
    state: checked
    fail_on_findings: false
  register: memcached_audit

- name: Put the configuration of the last hardening back
  memharden.hardening.memharden:
    state: rolled_back

- name: Harden an image mounted at /mnt/image; nothing is restarted
  memharden.hardening.memharden:
    root: /mnt/image
    profile: rhel
'''

RETURN = r'''
changed:
  description: Whether a file was (or, in check mode, would be) changed.
  returned: always
  type: bool
compliant:
  description: Whether memcached's configuration (and, on the live host, the running daemon) is hardened.
  returned: always
  type: bool
installed:
  description: Whether memcached's configuration was found at all. memharden exits 0 when memcached is not installed.
  returned: when memharden reports it
  type: bool
profile:
  description: The family layout memharden used.
  returned: always
  type: str
  sample: debian
diff:
  description: The unified diff of every changed file, as C(--diff) shows it.
  returned: when a file changes or would change
  type: dict
  sample: {"prepared": "--- a/etc/memcached.conf\n+++ b/etc/memcached.conf\n@@ -35 +35 @@\n--l 0.0.0.0\n+-l 127.0.0.1\n"}
findings:
  description: What makes memcached exposed, one entry per problem.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "udp-enabled", "severity": "high", "message": "-U 11211: UDP is on", "path": "/etc/memcached.conf", "line": 53, "unit": null}]
files:
  description: Every configuration file memharden read, with C(path), C(changed), C(diff), C(backup) and C(compliant).
  returned: always
  type: list
  elements: dict
service:
  description: The restart and the live check of the main memcached service (manager, unit, restarted, main_pid_before, main_pid_after, udp_sockets, listeners, live_state, message).
  returned: always
  type: dict
services:
  description: The same for every memcached instance.
  returned: always
  type: list
  elements: dict
backup:
  description: The id of the backup this run wrote (apply) or restored (rollback), for I(state=rolled_back) and C(memharden rollback).
  returned: always
  type: str
  sample: 20261124T230102Z
undo_backup:
  description: With I(state=rolled_back), the backup of the files as they were before the rollback.
  returned: always
  type: str
rolled_back:
  description: True when the restart or the live check failed and memharden put the old configuration back (exit status 4).
  returned: always
  type: bool
exit_status:
  description:
    - memharden's exit status (0 ok, 1 not compliant, 3 input error, 4 rolled back, 5 runtime error).
    - Not named C(rc), because Ansible fails every task whose C(rc) is not 0,
      and exit status 1 of I(state=checked) with I(fail_on_findings=false) is
      a success.
  returned: always
  type: int
cmd:
  description: The command that was run.
  returned: always
  type: list
  elements: str
'''

import json
import os

from ansible.module_utils.basic import AnsibleModule

# memharden's exit statuses (README, "Exit codes").
EXIT_OK = 0
EXIT_NOT_COMPLIANT = 1
EXIT_ROLLED_BACK = 4

# The fields of memharden's JSON document the module returns as they are.
PASSED = ('compliant', 'installed', 'profile', 'findings', 'files', 'service',
          'services', 'backup', 'undo_backup', 'rolled_back')


def find_binary(module):
    binary = module.params['binary']
    if '/' in binary:
        path = binary if os.path.isfile(binary) and os.access(binary, os.X_OK) else None
    else:
        path = module.get_bin_path(binary, opt_dirs=['/usr/local/sbin', '/usr/sbin', '/sbin'])
    if not path:
        module.fail_json(msg="memharden not found: binary=%s is not an executable on this host; "
                             "install memharden (the role memharden.hardening.memharden does) "
                             "or set the binary parameter to its path" % binary,
                         changed=False)
    return path


def build_command(module, path):
    p = module.params
    state = p['state']
    if state == 'hardened':
        cmd = [path, 'apply']
        if module.check_mode:
            cmd.append('--dry-run')
    elif state == 'checked':
        cmd = [path, 'check']
    else:
        cmd = [path, 'rollback']
        if p['backup']:
            cmd.append(p['backup'])
    if p['listen'] and state != 'rolled_back':
        cmd += ['--listen', ','.join(p['listen'])]
    if state != 'checked':
        if not p['restart']:
            cmd.append('--no-restart')
        if p['timeout'] is not None:
            cmd += ['--timeout', str(p['timeout'])]
    if p['root']:
        cmd += ['--root', p['root']]
    if p['profile']:
        cmd += ['--profile', p['profile']]
    cmd.append('--json')
    return cmd


def run_json(module, cmd):
    rc, out, err = module.run_command(cmd, environ_update={'LC_ALL': 'C'})
    try:
        doc = json.loads(out)
    except ValueError:
        module.fail_json(msg="memharden printed no JSON document (exit status %d): %s"
                             % (rc, (err or out).strip()),
                         exit_status=rc, cmd=cmd, stdout=out, stderr=err, changed=False)
    if not isinstance(doc, dict):
        module.fail_json(msg="memharden's JSON is not an object", exit_status=rc, cmd=cmd, stdout=out, changed=False)
    return rc, doc, err


def predict_rollback(module, path):
    """Check mode for rolled_back: memharden rollback has no dry run, so
    read the backup list and say whether there is one to restore."""
    cmd = [path, 'backups', '--json']
    if module.params['root']:
        cmd += ['--root', module.params['root']]
    rc, doc, err = run_json(module, cmd)
    if rc != EXIT_OK:
        msg = (doc.get('error') or {}).get('message') or err.strip()
        module.fail_json(msg=msg, exit_status=rc, cmd=cmd, changed=False)
    wanted = module.params['backup']
    complete = [b for b in doc.get('backups') or [] if b.get('status') == 'complete']
    chosen = None
    if wanted:
        chosen = next((b for b in doc.get('backups') or [] if b.get('id') == wanted), None)
        if chosen is None:
            module.fail_json(msg="cannot find backup '%s'; list backups with 'memharden backups'" % wanted,
                             exit_status=3, cmd=cmd, changed=False)
    elif complete:
        chosen = max(complete, key=lambda b: b.get('id') or '')
    if chosen is None:
        module.fail_json(msg="no complete backup to restore", exit_status=3, cmd=cmd, changed=False)
    module.exit_json(changed=True, exit_status=rc, cmd=cmd, backup=chosen.get('id'), files=chosen.get('files') or [],
                     findings=[], service=None, services=[], rolled_back=False, undo_backup=None,
                     msg="would restore backup %s" % chosen.get('id'))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            state=dict(type='str', default='hardened', choices=['hardened', 'checked', 'rolled_back']),
            listen=dict(type='list', elements='str'),
            restart=dict(type='bool', default=True),
            timeout=dict(type='int'),
            root=dict(type='path'),
            profile=dict(type='str', choices=['debian', 'rhel', 'suse', 'arch', 'alpine', 'gentoo']),
            backup=dict(type='str'),
            fail_on_findings=dict(type='bool', default=True),
            binary=dict(type='path', default='memharden'),
        ),
        supports_check_mode=True,
    )
    path = find_binary(module)
    state = module.params['state']

    if state == 'rolled_back' and module.check_mode:
        predict_rollback(module, path)

    cmd = build_command(module, path)
    rc, doc, err = run_json(module, cmd)

    result = dict(exit_status=rc, cmd=cmd, changed=bool(doc.get('changed')) and state != 'checked')
    for key in PASSED:
        result[key] = doc.get(key)
    result['rolled_back'] = bool(result['rolled_back'])
    diffs = [f['diff'] for f in doc.get('files') or [] if f.get('changed') and f.get('diff')]
    if diffs:
        result['diff'] = {'prepared': ''.join(d if d.endswith('\n') else d + '\n' for d in diffs)}

    error = doc.get('error') or {}
    if rc == EXIT_OK:
        service = doc.get('service') or {}
        result['msg'] = service.get('message') or ('memcached is hardened' if doc.get('compliant') else
                                                  'memcached is not installed' if doc.get('installed') is False
                                                  else 'done')
        module.exit_json(**result)
    if rc == EXIT_NOT_COMPLIANT and state == 'checked':
        summary = '; '.join('%s: %s' % (f.get('path') or '', f.get('message') or f.get('id'))
                            for f in doc.get('findings') or [])
        result['msg'] = 'memcached is not hardened: ' + (summary or 'see findings')
        if module.params['fail_on_findings']:
            module.fail_json(**result)
        module.exit_json(**result)
    result['msg'] = error.get('message') or err.strip() or 'memharden exited %d' % rc
    if rc == EXIT_ROLLED_BACK:
        # The old configuration is back and memcached runs on it again.
        result['rolled_back'] = True
    result['stderr'] = err
    module.fail_json(**result)


if __name__ == '__main__':
    main()
