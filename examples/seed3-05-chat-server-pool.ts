// Seed 003_7f709452d8791b48.txt, program 5 — "进程池聊天" (chatting through a pool):
// the server serves each connection as a pool task, so a pool of 4 serves 4 clients
// at once and "开启6个客户端，会发现2个客户端处于等待状态" (start 6 clients: 2 of them wait).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed3-05-chat-server-pool.js
//
// Python original (server; the client is ported in support/echo-client.ts):
//   server = socket(AF_INET, SOCK_STREAM)
//   server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
//   server.bind(('127.0.0.1', 8080))
//   server.listen(5)
//   def talk(conn):
//       print('进程pid: %s' % os.getpid())
//       while True:
//           try:
//               msg = conn.recv(1024)
//               if not msg: break
//               conn.send(msg.upper())
//           except Exception:
//               break
//   if __name__ == '__main__':
//       p = Pool(4)
//       while True:
//           conn, addr = server.accept()
//           p.apply_async(talk, args=(conn,))
//           # p.apply(talk, args=(conn,)) # 同步的话，则同一时间只有一个客户端能访问
//           #                             # (with apply, only one client at a time)
//
// Porting note: CPython pickles the socket into a worker process; Node cannot move a
// socket into a worker thread, and talk() is pure I/O anyway. So the pool here is a
// ThreadPool(4): same Pool API, tasks run on the main event loop at most 4 at a time and
// may take the live socket. The bound on concurrent clients is exactly the original's.
// What it shows: clients 5 and 6 connect but get their first reply only after clients
// 1 and 2 hang up; the 4 pool "threads" are reused.
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ThreadPool, current_thread } from 'pypool';
import { client, elapsed } from './support/echo-client.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function talk(conn: Socket): Promise<void> {
  console.log(`[${elapsed()}] 进程pid: ${process.pid} (${current_thread().name})`);
  try {
    for await (const msg of conn) {
      conn.write(String(msg).toUpperCase()); // conn.send(msg.upper())
    }
  } catch {
    // except Exception: break
  }
  conn.end();
}

const p = new ThreadPool(4);
const server = createServer((conn) => {
  p.apply_async(talk, [conn]);
  // await p.apply(talk, [conn]);  // synchronous: only one client at a time
});
server.listen(0, '127.0.0.1'); // port 0: any free port, so no SO_REUSEADDR dance
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

// Six clients, started 20 ms apart so they connect in order. The first two leave early.
const clients: Promise<void>[] = [];
for (const n of [1, 2, 3, 4, 5, 6]) {
  const messages = n <= 2 ? [`hi ${n}`] : [`hi ${n}`, `bye ${n}`];
  clients.push(client(`client${n}`, port, messages, 200));
  await sleep(20);
}
await Promise.all(clients);

server.close();
p.close();
await p.join();
console.log(`[${elapsed()}] server closed`);
