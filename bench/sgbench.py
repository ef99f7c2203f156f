#!/usr/bin/env python3
"""sgbench.py - the measuring half of `make bench` (scripts/bench.sh builds the
namespaces and starts the daemons; this file generates rule sets, talks to sgd
over its Unix socket and runs the alternating A/B trials).

Every comparison alternates baseline (A) and subject (B) trials, repeats them,
and reports the median of each plus the median of the per-pair ratios B/A.
Results are printed as one table row each and appended as JSON lines to the
file named by --out.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

REGION = "cn-hangzhou"


# ---------------------------------------------------------------- sgd client
class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class Sgd:
    """One sgd control socket; each call is a fresh connection (as sgctl does)."""

    def __init__(self, path):
        self.path = path

    def call(self, action, **params):
        body = urllib.parse.urlencode(dict(Action=action, RegionId=REGION, **params))
        c = UnixHTTPConnection(self.path)
        try:
            c.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            data = r.read()
        finally:
            c.close()
        out = json.loads(data or b"{}")
        if r.status != 200:
            raise RuntimeError("%s -> HTTP %d %s: %s" % (action, r.status, out.get("Code"), out.get("Message")))
        return out

    def timed(self, action, **params):
        t0 = time.perf_counter()
        self.call(action, **params)
        return time.perf_counter() - t0


def wait_ready(path, deadline):
    """Poll until sgd answers a request on path; True when it did."""
    s = Sgd(path)
    while time.monotonic() < deadline:
        try:
            s.call("DescribeSecurityGroups")
            return True
        except (OSError, http.client.HTTPException, RuntimeError, ValueError):
            time.sleep(0.002)
    return False


# ---------------------------------------------------------------- rule sets
def gen_rules(n, seed, shape="random"):
    """n distinct, non-overlapping permissions that never match our traffic.

    Sources are inside 10.0.0.0/8 (the packets come from the documentation
    networks), one /24 block per permission, as a /24 or a host /32 in it.
    TCP or UDP to a random port or small range.  Shape "random": priorities
    1-100 and 90% Accept; shape "p1": every rule Accept at priority 1."""
    rnd = random.Random(seed)
    rules = []
    for i in range(n):
        base = "10.%d.%d" % ((i >> 8) & 255, i & 255)
        cidr = base + ".0/24" if rnd.random() < 0.5 else "%s.%d/32" % (base, rnd.randint(1, 254))
        proto = "TCP" if rnd.random() < 0.7 else "UDP"
        lo = rnd.randint(1, 65000)
        hi = lo if rnd.random() < 0.8 else lo + rnd.randint(1, 500)
        prio, policy = rnd.randint(1, 100), "Drop" if rnd.random() < 0.1 else "Accept"
        if shape == "p1":
            prio, policy = 1, "Accept"
        rules.append(dict(prio=prio, policy=policy, proto=proto, cidr=cidr, ports="%d/%d" % (lo, hi)))
    return rules


def naive_nft(rules, dev):
    """The naive form: one rule per permission in decision order, then drop."""
    order = sorted(range(len(rules)), key=lambda i: (rules[i]["prio"], rules[i]["policy"] != "Drop", i))
    out = ["table inet naive {", "\tcounter drops {", "\t}",
           "\tchain input {", "\t\ttype filter hook input priority filter; policy accept;",
           '\t\tiifname "%s" jump nic' % dev, "\t}", "\tchain nic {",
           "\t\tct state established,related accept", "\t\tct state invalid drop"]
    for i in order:
        r = rules[i]
        lo, hi = r["ports"].split("/")
        port = lo if lo == hi else "%s-%s" % (lo, hi)
        out.append("\t\tip saddr %s %s dport %s %s" % (r["cidr"], r["proto"].lower(), port, r["policy"].lower()))
    out += ['\t\tcounter name "drops" drop', "\t}", "}"]
    return "\n".join(out) + "\n"


def authorize_params(rules):
    p = {}
    for k, r in enumerate(rules, 1):
        p["Permissions.%d.SourceCidrIp" % k] = r["cidr"]
        p["Permissions.%d.IpProtocol" % k] = r["proto"]
        p["Permissions.%d.PortRange" % k] = r["ports"]
        p["Permissions.%d.Priority" % k] = str(r["prio"])
        p["Permissions.%d.Policy" % k] = r["policy"]
    return p


# ---------------------------------------------------------------- results
def fmt_num(v, unit):
    if unit == "s":
        return "%.2f ms" % (v * 1e3) if v < 10 else "%.1f s" % v
    if unit == "pps":
        return "{:,.0f}".format(v)
    if unit == "B":
        return "%.1f MiB" % (v / 2**20) if abs(v) >= 2**20 else "%.0f KiB" % (v / 1024)
    return "%g" % v


def report(out, section, name, a_label, a, b_label, b, unit, note=""):
    """Print one row: medians of A and B and the median of the pair ratios."""
    ratios = [y / x for x, y in zip(a, b) if x]
    row = dict(section=section, name=name, a_label=a_label, b_label=b_label, unit=unit, pairs=len(ratios),
               a_median=statistics.median(a), b_median=statistics.median(b),
               ratio=statistics.median(ratios) if ratios else float("nan"),
               ratio_min=min(ratios) if ratios else float("nan"),
               ratio_max=max(ratios) if ratios else float("nan"), a=a, b=b, note=note)
    print("  %-34s %-9s %13s | %-10s %13s | ratio %6.3f [%.3f-%.3f] n=%d%s" % (
        name, a_label, fmt_num(row["a_median"], unit), b_label, fmt_num(row["b_median"], unit),
        row["ratio"], row["ratio_min"], row["ratio_max"], row["pairs"], "  " + note if note else ""), flush=True)
    if out:
        with open(out, "a") as f:
            f.write(json.dumps(row) + "\n")


def alternate(repeats, fa, fb):
    """A, B, A, B ... (B first on odd pairs so drift does not favour one side)."""
    a, b = [], []
    for k in range(repeats):
        if k % 2:
            b.append(fb(k)); a.append(fa(k))
        else:
            a.append(fa(k)); b.append(fb(k))
    return a, b


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, check=True, timeout=timeout, capture_output=True, text=True, **kw)


def nsx(ns, *cmd):
    return ["ip", "netns", "exec", ns] + list(cmd)


# ---------------------------------------------------------------- subcommands
def cmd_rules(a):
    rules = gen_rules(a.n, a.seed, a.shape)
    with open(a.json, "w") as f:
        json.dump(rules, f)
    if a.naive:
        with open(a.naive, "w") as f:
            f.write(naive_nft(rules, a.dev))


def cmd_setup_nic(a):
    """One basic group and a NIC on dev in it; the group's rules from --rules."""
    s = Sgd(a.sock)
    sg = s.call("CreateSecurityGroup", SecurityGroupName="bench", VpcId="vpc-bench")["SecurityGroupId"]
    nic = s.call("CreateNetworkInterface", HostDevice=a.dev, VpcId="vpc-bench", PrimaryIpAddress=a.ip,
                 **{"SecurityGroupIds.1": sg})["NetworkInterfaceId"]
    rules = json.load(open(a.rules)) if a.rules else []
    t0 = time.perf_counter()
    for k in range(0, len(rules), 100):
        s.call("AuthorizeSecurityGroup", SecurityGroupId=sg, **authorize_params(rules[k:k + 100]))
    dt = time.perf_counter() - t0
    print("%s %s %d %.3f" % (sg, nic, len(rules), dt))


def read_counter(ns, kind, chain):
    """Packets counted after the decision: the naive table's named counter or
    the counter on sgd's per-NIC `default drop` rule."""
    if kind == "naive":
        j = json.loads(run(nsx(ns, "nft", "-j", "list", "counter", "inet", "naive", "drops")).stdout)
        return next(o["counter"]["packets"] for o in j["nftables"] if "counter" in o)
    j = json.loads(run(nsx(ns, "nft", "-j", "list", "chain", "inet", "sgd", chain)).stdout)
    for o in j["nftables"]:
        r = o.get("rule")
        if r and r.get("comment") == "default drop":
            return next(e["counter"]["packets"] for e in r["expr"] if "counter" in e)
    raise RuntimeError("no default drop counter in %s chain %s" % (ns, chain))


def cmd_ab_pkt(a):
    """Alternate pktgen bursts into two veths.  The rate is packets counted
    after the decision over the CPU time of the sending thread: veth hands
    each frame to the backlog and the softirq runs the whole receive path
    (conntrack, nftables) inline in that thread, so its CPU time is the
    cost of sending plus deciding, and time stolen by other processes on a
    shared machine does not count.  Wall-clock pps is kept beside it."""
    def target(spec):
        ns, gdev, mac, kind, chain = spec.split(",")
        return dict(ns=ns, gdev=gdev, mac=mac, kind=kind, chain=chain)

    ta, tb = target(a.a), target(a.b)
    wall = {"a": [], "b": []}
    seen, oncpu = [], []

    def trial(t, side):
        c0 = read_counter(t["ns"], t["kind"], t["chain"])
        cmd = nsx(a.gen, "taskset", "-c", a.cpu, a.pktgen, "-i", t["gdev"], "-m", t["mac"], "-d", a.dst,
                  "-t", str(a.seconds))
        kv = dict(x.split("=") for x in run(cmd, timeout=a.seconds + 30).stdout.split())
        time.sleep(0.05)  # let the last batch leave the backlog
        n = read_counter(t["ns"], t["kind"], t["chain"]) - c0
        sent, elapsed, cpu = int(kv["sent"]), float(kv["elapsed"]), float(kv["cpu"])
        if not sent or cpu <= 0:
            raise RuntimeError("pktgen sent nothing on %s" % t["gdev"])
        seen.append(n / sent)
        oncpu.append(cpu / elapsed)
        wall[side].append(n / elapsed)
        return n / cpu

    ra, rb = alternate(a.repeats, lambda k: trial(ta, "a"), lambda k: trial(tb, "b"))
    wr = statistics.median(y / x for x, y in zip(wall["a"], wall["b"]))
    note = "wall %s/%s ratio %.3f; counted/sent>=%.4f; on-cpu>=%.2f" % (
        fmt_num(statistics.median(wall["a"]), "pps"), fmt_num(statistics.median(wall["b"]), "pps"), wr,
        min(seen), min(oncpu))
    report(a.out, "packet", a.name, a.a_label, ra, a.b_label, rb, "pps", note)


def cmd_ab_authorize(a):
    """One AuthorizeSecurityGroup of one new rule: small table vs big table."""
    (sa, ga), (sb, gb) = [x.split(",") for x in (a.a, a.b)]
    ca, cb = Sgd(sa), Sgd(sb)

    def one(c, g, k, tag):
        # 172.16/12 never collides with the generated 10/8 rules
        return c.timed("AuthorizeSecurityGroup", SecurityGroupId=g, **authorize_params([dict(
            cidr="172.%d.%d.0/24" % (16 + tag, k), proto="TCP", ports="%d/%d" % (2000 + k, 2000 + k),
            prio=50, policy="Accept")]))

    ra, rb = alternate(a.repeats, lambda k: one(ca, ga, k, 0), lambda k: one(cb, gb, k, 1))
    report(a.out, "control", a.name, a.a_label, ra, a.b_label, rb, "s")


def _writer(path, group, port, stop):
    """One writer: authorize and revoke its own rule until told to stop."""
    c = Sgd(path)
    perm = authorize_params([dict(cidr="172.31.%d.0/24" % (port % 256), proto="TCP",
                                  ports="%d/%d" % (port, port), prio=50, policy="Accept")])
    while not stop.is_set():
        c.call("AuthorizeSecurityGroup", SecurityGroupId=group, **perm)
        c.call("RevokeSecurityGroup", SecurityGroupId=group, **perm)


def cmd_ab_read(a):
    """p99 of a Describe while WRITERS clients mutate the same group, over the
    p99 when idle.  Writers are processes (no GIL between them and the reader)
    and run only during the B trials; every trial is bounded by its count."""
    c = Sgd(a.sock)

    def p99(k):
        lat = sorted(c.timed("DescribeSecurityGroupAttribute", SecurityGroupId=a.group)
                     for _ in range(a.reads))
        return lat[int(len(lat) * 0.99) - 1]

    def loaded(k):
        stop = multiprocessing.Event()
        ws = [multiprocessing.Process(target=_writer, args=(a.sock, a.group, 30000 + i, stop), daemon=True)
              for i in range(a.writers)]
        for w in ws:
            w.start()
        try:
            c.call("AuthorizeSecurityGroup", SecurityGroupId=a.group, **authorize_params([dict(
                cidr="172.30.0.0/24", proto="UDP", ports="1/1", prio=1, policy="Accept")]))
            return p99(k)
        finally:
            stop.set()
            for w in ws:
                w.join(30)
                if w.is_alive():
                    w.kill()
            c.call("RevokeSecurityGroup", SecurityGroupId=a.group, **authorize_params([dict(
                cidr="172.30.0.0/24", proto="UDP", ports="1/1", prio=1, policy="Accept")]))

    ra, rb = alternate(a.repeats, p99, loaded)
    report(a.out, "control", a.name, "idle", ra, "%d writers" % a.writers, rb, "s",
           "p99 of %d DescribeSecurityGroupAttribute per trial" % a.reads)


def cmd_setup_refs(a):
    """100 groups that reference one prefix list and one group (B), one group
    that references another prefix list and group (A), NICs to put them in
    effect, and a mover NIC.  Prints the ids as KEY=VALUE lines."""
    s = Sgd(a.sock)
    ids = {}
    for side in ("A", "B"):
        ids["PL_" + side] = s.call("CreatePrefixList", PrefixListName="pl-" + side, AddressFamily="IPv4",
                                   MaxEntries="200", **{"Entry.1.Cidr": "10.254.%d.0/24" % (side == "B")}
                                   )["PrefixListId"]
        ids["G_" + side] = s.call("CreateSecurityGroup", SecurityGroupName="ref-" + side,
                                  VpcId="vpc-bench")["SecurityGroupId"]
    refs = {"A": [], "B": []}
    for k in range(1 + a.groups):
        side = "A" if k == 0 else "B"
        g = s.call("CreateSecurityGroup", SecurityGroupName="r%d" % k, VpcId="vpc-bench")["SecurityGroupId"]
        s.call("AuthorizeSecurityGroup", SecurityGroupId=g, **{
            "Permissions.1.SourcePrefixListId": ids["PL_" + side], "Permissions.1.IpProtocol": "TCP",
            "Permissions.1.PortRange": "22/22",
            "Permissions.2.SourceGroupId": ids["G_" + side], "Permissions.2.IpProtocol": "TCP",
            "Permissions.2.PortRange": "80/80"})
        refs[side].append(g)
    # NICs: d0 holds the A group; d1.. hold the B groups, five each
    devs = [("d0", refs["A"])] + [("d%d" % (1 + k // 5), refs["B"][k:k + 5]) for k in range(0, a.groups, 5)]
    for i, (dev, gs) in enumerate(devs):
        s.call("CreateNetworkInterface", HostDevice=dev, VpcId="vpc-bench",
               PrimaryIpAddress="198.51.100.%d" % (10 + i),
               **{"SecurityGroupIds.%d" % (j + 1): g for j, g in enumerate(gs)})
    own = s.call("CreateSecurityGroup", SecurityGroupName="mover", VpcId="vpc-bench")["SecurityGroupId"]
    ids["MOVER"] = s.call("CreateNetworkInterface", HostDevice=a.mover, VpcId="vpc-bench",
                          PrimaryIpAddress="198.51.100.200", **{"SecurityGroupIds.1": own})["NetworkInterfaceId"]
    for k, v in ids.items():
        print("%s=%s" % (k, v))


def cmd_ab_refs(a):
    s = Sgd(a.sock)
    ids = dict(x.split("=", 1) for x in open(a.ids).read().split())

    def pl(side, k):
        cidr = "10.253.%d.0/24" % k
        dt = s.timed("ModifyPrefixList", PrefixListId=ids["PL_" + side], **{"AddEntry.1.Cidr": cidr})
        s.call("ModifyPrefixList", PrefixListId=ids["PL_" + side], **{"RemoveEntry.1.Cidr": cidr})
        return dt

    def join(side, k):
        dt = s.timed("JoinSecurityGroup", NetworkInterfaceId=ids["MOVER"], SecurityGroupId=ids["G_" + side])
        s.call("LeaveSecurityGroup", NetworkInterfaceId=ids["MOVER"], SecurityGroupId=ids["G_" + side])
        return dt

    n = a.groups
    ra, rb = alternate(a.repeats, lambda k: pl("A", k), lambda k: pl("B", k))
    report(a.out, "control", "prefix list +1 entry", "1 ref", ra, "%d refs" % n, rb, "s")
    ra, rb = alternate(a.repeats, lambda k: join("A", k), lambda k: join("B", k))
    report(a.out, "control", "JoinSecurityGroup (members)", "1 ref", ra, "%d refs" % n, rb, "s")


def cmd_ab_load(a):
    """Full load of the same ruleset: `nft -f` (A) vs sgd start-up (B).

    Both replace a table that is already there, in one transaction: the nft
    file starts with `table inet sgd; delete table inet sgd`, and sgd at
    start-up replaces its table from the database.  B is the time from exec
    to the first answered request on the socket."""
    def note_pid(text):  # the sgd we run now, for bench.sh's exit trap
        with open(a.pidfile, "w") as f:
            f.write(text)

    def nft_load(k):
        t0 = time.perf_counter()
        run(nsx(a.nft_ns, "nft", "-f", a.nft_file))
        return time.perf_counter() - t0

    def sgd_load(k):
        if os.path.exists(a.sock):
            os.unlink(a.sock)
        t0 = time.perf_counter()
        p = subprocess.Popen(nsx(a.ns, a.sgd, "--state-dir", a.state, "--socket", a.sock, "--mode", "host",
                                 "--config", a.config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        note_pid("%d\n" % p.pid)
        ok = wait_ready(a.sock, time.monotonic() + 120)
        dt = time.perf_counter() - t0
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        note_pid("")
        if not ok:
            raise RuntimeError("sgd did not answer within 120 s")
        return dt

    ra, rb = alternate(a.repeats, nft_load, sgd_load)
    report(a.out, "control", "full load, %s rules" % a.rules, "nft -f", ra, "sgd start", rb, "s")


def meminfo():
    m = {}
    for line in open("/proc/meminfo"):
        k, v = line.split(":")
        m[k] = int(v.split()[0]) * 1024
    return m


def cmd_kmem(a):
    """Kernel memory growth of loading a ruleset into an empty namespace:
    Slab + VmallocUsed + Percpu before/after, A = naive text, B = sgd's dump.
    Other activity on the machine is noise here: we take the median."""
    keys = ("Slab", "VmallocUsed", "Percpu")

    def load(file, table):
        def f(k):
            run(["sync"])
            m0 = meminfo()
            run(nsx(a.ns, "nft", "-f", file))
            time.sleep(0.2)  # let RCU-freed objects settle on both sides
            m1 = meminfo()
            run(nsx(a.ns, "nft", "delete", "table", "inet", table))
            time.sleep(0.2)
            return sum(m1[x] - m0[x] for x in keys)
        return f

    run(nsx(a.ns, "nft", "flush", "ruleset"))  # our scratch namespace: start empty
    ra, rb = alternate(a.repeats, load(a.naive, "naive"), load(a.sgd_file, "sgd"))
    report(a.out, "memory", "kernel growth, %s" % a.name, "naive", ra, "sgd", rb, "B",
           "Slab+VmallocUsed+Percpu")


def vmrss(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS for %d" % pid)


def cmd_wait(a):
    if not wait_ready(a.sock, time.monotonic() + a.timeout):
        raise RuntimeError("%s: no answer within %g s" % (a.sock, a.timeout))


def cmd_rss(a):
    ra, rb = [vmrss(a.a_pid)], [vmrss(a.b_pid)]
    report(a.out, "memory", "sgd VmRSS", a.a_label, ra, a.b_label, rb, "B")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="")
    sub = p.add_subparsers(dest="cmd", required=True)
    x = sub.add_parser("rules"); x.add_argument("--n", type=int, required=True)
    x.add_argument("--seed", type=int, default=1); x.add_argument("--json", required=True)
    x.add_argument("--naive"); x.add_argument("--dev", default="vm0")
    x.add_argument("--shape", choices=("random", "p1"), default="random")
    x = sub.add_parser("setup-nic"); x.add_argument("--sock", required=True); x.add_argument("--dev", required=True)
    x.add_argument("--ip", required=True); x.add_argument("--rules")
    x = sub.add_parser("ab-pkt")
    for k in ("gen", "pktgen", "dst", "a", "b", "name", "a-label", "b-label"):
        x.add_argument("--" + k, required=True)
    x.add_argument("--cpu", default="1"); x.add_argument("--seconds", type=float, default=1.0)
    x.add_argument("--repeats", type=int, default=5)
    x = sub.add_parser("ab-authorize")
    for k in ("a", "b", "name", "a-label", "b-label"):
        x.add_argument("--" + k, required=True)
    x.add_argument("--repeats", type=int, default=5)
    x = sub.add_parser("ab-read")
    for k in ("sock", "group", "name"):
        x.add_argument("--" + k, required=True)
    x.add_argument("--writers", type=int, default=50); x.add_argument("--reads", type=int, default=200)
    x.add_argument("--repeats", type=int, default=5)
    x = sub.add_parser("setup-refs"); x.add_argument("--sock", required=True)
    x.add_argument("--groups", type=int, default=100); x.add_argument("--mover", required=True)
    x = sub.add_parser("ab-refs"); x.add_argument("--sock", required=True); x.add_argument("--ids", required=True)
    x.add_argument("--groups", type=int, default=100); x.add_argument("--repeats", type=int, default=5)
    x = sub.add_parser("ab-load")
    for k in ("ns", "sgd", "state", "sock", "config", "nft-ns", "nft-file", "pidfile", "rules"):
        x.add_argument("--" + k, required=True)
    x.add_argument("--repeats", type=int, default=5)
    x = sub.add_parser("kmem")
    for k in ("ns", "naive", "sgd-file", "name"):
        x.add_argument("--" + k, required=True)
    x.add_argument("--repeats", type=int, default=3)
    x = sub.add_parser("wait"); x.add_argument("--sock", required=True)
    x.add_argument("--timeout", type=float, default=30)
    x = sub.add_parser("rss"); x.add_argument("--a-pid", type=int, required=True)
    x.add_argument("--b-pid", type=int, required=True)
    x.add_argument("--a-label", required=True); x.add_argument("--b-label", required=True)
    a = p.parse_args()
    try:
        globals()["cmd_" + a.cmd.replace("-", "_")](a)
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        err = getattr(e, "stderr", None)
        print("sgbench %s: %s%s" % (a.cmd, e, (": " + err.strip()) if err else ""), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
