// The "client" half of the seed socket examples (seeds 001 and 003), scripted: the
// originals read lines from input(); here each client sends a fixed list of messages,
// prints every reply, lingers a little, then hangs up — so the examples run unattended.
//
// Python original (seed 001; seed 003's is the same with '>>: ' as prompt):
//   client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
//   client.connect(("127.0.0.1", 8080))
//   while True:
//       msg = input(">>:").strip()
//       if not msg:
//           continue
//       client.send(msg.encode("utf-8"))
//       data = client.recv(1024)
//       print(data.decode("utf-8"))
//   client.close()
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Elapsed time since the example started, to show who waited. */
const t0 = Date.now();
export const elapsed = () => `${String(Date.now() - t0).padStart(4)} ms`;

/**
 * Connect to 127.0.0.1:`port`, send each message and print the reply, pausing `pauseMs`
 * between messages, then close. Resolves when the connection is closed.
 */
export async function client(
  id: string,
  port: number,
  messages: string[],
  pauseMs = 100,
): Promise<void> {
  const sock: Socket = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  console.log(`[${elapsed()}] ${id} connected`);
  const replies = sock[Symbol.asyncIterator]();
  for (const msg of messages) {
    sock.write(msg); // client.send(msg.encode("utf-8"))
    console.log(`[${elapsed()}] ${id} >>: ${msg}`);
    const { value, done } = await replies.next(); // client.recv(1024)
    if (done) break;
    console.log(`[${elapsed()}] ${id} got ${String(value)}`);
    await sleep(pauseMs);
  }
  console.log(`[${elapsed()}] ${id} hangs up`);
  sock.end(); // client.close()
  await once(sock, 'close');
  console.log(`[${elapsed()}] ${id} closed`);
}
