import { spawn } from 'node:child_process';
import { readFileSync, openSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';
const flags = process.argv.slice(2);
const admin = new pg.Client('postgres://postgres@127.0.0.1:5432/test'); await admin.connect();
const name = 'hallpass_rss_' + process.pid;
await admin.query(`create database ${name}`);
const port = 4100 + (process.pid % 500);
const log = openSync('/tmp/rss-server.log', 'w');
const child = spawn(process.execPath, [...flags, '/work/main/packages/app/dist/server.mjs'], { env: { ...process.env, NODE_OPTIONS: '', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`, BCRYPT_COST: '4', LOG_LEVEL: 'info' }, stdio: ['ignore', log, log] });
const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
function req(method, path, body, cookie) {
  return new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const r = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}), ...(cookie ? { cookie } : {}) } }, (res) => { res.resume(); res.on('end', () => resolve(res)); });
    r.on('error', reject); if (data) r.write(data); r.end();
  });
}
for (;;) { try { await req('GET', '/healthz'); break; } catch { await new Promise((r) => setTimeout(r, 50)); } }
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
const ready = hwm();
function cpuOf() { const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) * 10; }
await req('POST', '/users', { email: 'a@b.example', password: 'correct horse battery' });
const res = await req('POST', '/sessions', { email: 'a@b.example', password: 'correct horse battery' });
const cookie = res.headers['set-cookie'][0].split(';')[0];
const cpu0 = cpuOf(); let n = 0; const N = Number(process.env.N ?? 20000);
await Promise.all(Array.from({ length: 10 }, async () => { while (n < N) { await req('GET', '/profile', null, cookie); n++; } }));
console.log(flags.join(' ') || '(none)', 'ready', ready.toFixed(0), 'MiB; after', n, 'requests: peak', hwm().toFixed(0), 'now', rss().toFixed(0), 'cpu µs/req', Math.round((cpuOf() - cpu0) * 1000 / n));
child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r));
await admin.query(`drop database ${name}`); await admin.end(); agent.destroy();
