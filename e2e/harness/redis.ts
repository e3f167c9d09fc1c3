// Redis as ElastiCache serves it to the app: Debian's redis-server on one host, reached only over
// TLS (the stack's CacheUrl is rediss://), with a certificate the hosts trust as they trust
// Amazon's: a CA made for this run and added to every host's CA bundle.
import { appendFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fleet, Host } from "./fleet.js";
import { selfSigned } from "./certificates.js";
import { Resources } from "./cleanup.js";
import { run } from "./process.js";

export const REDIS_PORT = 6379;

/** The URL the stack gives the instances (CacheUrl) for Redis on `host`. */
export function redisUrl(host: Host): string {
  return `rediss://${host.address}:${REDIS_PORT}/0`;
}

/** redis-cli's command line for Redis on `host`, over TLS as the app connects. */
export function redisCli(host: Host): string {
  return `redis-cli --tls --cacert /etc/ssl/certs/ca-certificates.crt -h ${host.address} -p ${REDIS_PORT}`;
}

/** How many PUBLISH commands Redis on `host` has run: Action Cable's broadcasts, with its adapter. */
export async function redisPublishes(host: Host): Promise<number> {
  const { stdout } = await host.run(`${redisCli(host)} INFO commandstats`);
  return Number(/^cmdstat_publish:calls=(\d+)/m.exec(stdout)?.[1] ?? 0);
}

export async function serveRedis(fleet: Fleet, host: Host): Promise<void> {
  const keys = new Resources();
  const dir = keys.tempFolder(join(tmpdir(), "rails-aws-e2e-ca-"));
  try {
    const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
    await selfSigned(dir, "ca", "/CN=rails-aws e2e CA");
    await openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-subj",
      `/CN=${host.address}`,
      "-keyout",
      "redis.key",
      "-out",
      "redis.csr",
    );
    // The address is the name the client checks: a subjectAltName, given through a file.
    await run(
      "sh",
      [
        "-c",
        `printf 'subjectAltName=IP:%s\\n' "$1" >san.ext && openssl x509 -req -in redis.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out redis.crt -extfile san.ext`,
        "sh",
        host.address,
      ],
      { cwd: dir },
    );
    const ca = readFileSync(join(dir, "ca.crt"), "utf8");
    for (const each of fleet.hosts)
      appendFileSync(
        join(each.merged, "etc/ssl/certs/ca-certificates.crt"),
        ca,
      );
    for (const file of ["redis.crt", "redis.key"])
      host.writeFile(
        `/etc/rails-aws-e2e-redis/${file}`,
        readFileSync(join(dir, file), "utf8"),
        0o600,
      );
  } finally {
    keys.release();
  }
  // Debian's own unit listens on 127.0.0.1 without TLS; this one in its place, on the bridge.
  await host.run(
    `systemctl disable --now redis-server.service
     systemd-run --unit=e2e-redis --property=Type=simple -- /usr/bin/redis-server \\
       --port 0 --tls-port ${REDIS_PORT} --bind 0.0.0.0 --protected-mode no --save "" \\
       --tls-cert-file /etc/rails-aws-e2e-redis/redis.crt --tls-key-file /etc/rails-aws-e2e-redis/redis.key \\
       --tls-auth-clients no
     for _ in $(seq 50); do
       ${redisCli(host)} ping 2>/dev/null | grep -q PONG && exit 0
       sleep 0.1
     done
     echo "Redis did not answer over TLS" >&2; journalctl -u e2e-redis --no-pager -n 20 >&2; exit 1`,
  );
}
