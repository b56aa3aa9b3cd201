// Seed 001_6ec5b9b748fa8350.txt, program 1 — the "before pools" socket server: one new
// thread per client (server + client programs).
//
// Run: npx tsc -p tsconfig.json && node build/examples/seed1-01-echo-server-thread-per-client.js
//
// Python original (server; the client is ported in support/echo-client.ts):
//   def communicate(conn):
//       while True:
//           try:
//               data = conn.recv(1024)
//               if not data:
//                   break
//               conn.send(data.upper())
//           except ConnectionRefusedError:
//               break
//       conn.close()
//   def server(ip, port):
//       server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//       server.bind(("127.0.0.1", 8080))
//       server.listen(5)
//       while True:
//           conn, addr = server.accept()
//           t = Thread(target=communicate, args=(conn,))
//           t.start()
//       server.close()
//   if __name__ == "__main__":
//       server("127.0.0.1", 8080)
//
// Node needs no thread per client: every connection is served concurrently by the event
// loop, which is exactly the "unbounded" behaviour the tutorial warns about — 5 clients,
// 5 conversations at once. The next examples (seed1-04, seed3-05) bound it with a pool.
// The port is ephemeral (0) instead of 8080 and the server stops after its clients.
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { client, elapsed } from './support/echo-client.js';

async function communicate(conn: Socket): Promise<void> {
  try {
    for await (const data of conn) {
      // conn.recv(1024); the loop ends when the client closes (not data)
      conn.write(String(data).toUpperCase()); // conn.send(data.upper())
    }
  } catch {
    // ConnectionRefusedError / reset by peer: stop talking to this client
  }
  conn.end(); // conn.close()
}

let active = 0;
const server = createServer((conn) => {
  // t = Thread(target=communicate, args=(conn,)); t.start()
  active += 1;
  console.log(`[${elapsed()}] server: new client, ${active} served at once`);
  void communicate(conn).finally(() => (active -= 1));
});
server.listen(0, '127.0.0.1'); // bind + listen; port 0 = any free port
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

// Start 5 clients together: nobody waits, whatever the number of clients.
await Promise.all(
  [1, 2, 3, 4, 5].map((n) => client(`client${n}`, port, [`hello from ${n}`, `bye from ${n}`])),
);
server.close();
console.log(`[${elapsed()}] server closed`);
