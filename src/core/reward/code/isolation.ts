// What isolation this machine allows, detected once at run time: privilege drop (root only), a new
// network namespace (no network for the tested program), a new mount namespace (private tmpfs over
// world-writable directories) and a new pid namespace (with the mount namespace: a minimal read-only
// root and a /proc that shows only the test's processes). Whatever is missing is listed in `notes`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface IsolationSupport {
  /** True when running as root, so children can run as a dedicated unprivileged uid. */
  dropPrivileges: boolean;
  /** Path of util-linux `unshare`, when it can create the namespaces below. */
  unshare?: string;
  /** Its flags: `--net [--mount [--pid --fork]]`, preceded by `--user --map-root-user` when not root (unprivileged user namespace). */
  unshareArgs: string[];
  networkNamespace: boolean;
  mountNamespace: boolean;
  /** New pid namespace + mount namespace: tests get a minimal root and their own /proc. */
  pidNamespace: boolean;
  notes: string[];
}

let cached: IsolationSupport | undefined;

function unshareWorks(unshare: string, flags: string[]): boolean {
  const r = spawnSync(unshare, [...flags, '/bin/true'], { timeout: 10_000, stdio: 'ignore' });
  return r.status === 0;
}

export function detectIsolation(): IsolationSupport {
  if (cached) return cached;
  const notes: string[] = [];
  const dropPrivileges = typeof process.geteuid === 'function' && process.geteuid() === 0;
  const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((p) => fs.existsSync(p));
  let networkNamespace = false;
  let mountNamespace = false;
  let pidNamespace = false;
  let unshareArgs: string[] = [];
  // Without root, an unprivileged user namespace (where the kernel allows it) still gives the
  // network and mount namespaces; the fork server then runs as "root" of that namespace only.
  const prefix = dropPrivileges ? [] : ['--user', '--map-root-user'];
  if (!unshare) {
    notes.push('util-linux unshare not found: tested programs have the network of this machine');
  } else if (unshareWorks(unshare, [...prefix, '--net', '--mount', '--pid', '--fork'])) {
    networkNamespace = mountNamespace = pidNamespace = true;
    unshareArgs = [...prefix, '--net', '--mount', '--pid', '--fork'];
  } else if (unshareWorks(unshare, [...prefix, '--net', '--mount'])) {
    networkNamespace = mountNamespace = true;
    unshareArgs = [...prefix, '--net', '--mount'];
    notes.push('no pid namespace: tests see the host file system outside the masked folders, and every process in /proc');
  } else if (unshareWorks(unshare, [...prefix, '--net'])) {
    networkNamespace = true;
    unshareArgs = [...prefix, '--net'];
    notes.push('no mount namespace: world-writable directories (/tmp, /var/tmp, /dev/shm) stay writable by tested programs');
  } else {
    notes.push(`cannot create a network namespace here (unshare ${[...prefix, '--net'].join(' ')} failed): tested programs have the network of this machine`);
  }
  if (!dropPrivileges) {
    notes.unshift('not running as root: tested programs run as the current user (no per-test uid, so the '
      + 'process-count limit and the kill-everything-of-the-uid cleanup are weaker'
      + (pidNamespace ? ')' : '; files writable by this user are writable by tests)'));
  }
  cached = { dropPrivileges, unshare: networkNamespace ? unshare : undefined, unshareArgs, networkNamespace, mountNamespace, pidNamespace, notes };
  return cached;
}
