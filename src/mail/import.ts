import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Reads .eml files, maildirs (cur/ and new/) and mbox files under a path, yielding each raw message.
 * mbox is streamed line by line in latin1 so bytes survive unchanged, with ">From " unescaped.
 */
export async function* readMailSource(target: string): AsyncGenerator<{ origin: string; raw: Buffer }> {
  const info = await stat(target);
  if (info.isDirectory()) {
    const entries = (await readdir(target, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'tmp') continue;
      yield* readMailSource(path.join(target, entry.name));
    }
    return;
  }
  if (await looksLikeMbox(target)) {
    yield* readMbox(target);
    return;
  }
  yield { origin: target, raw: await readFile(target) };
}

async function looksLikeMbox(file: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    return bytesRead === 5 && buffer.toString('latin1') === 'From ';
  } finally {
    await handle.close();
  }
}

async function* readMbox(file: string): AsyncGenerator<{ origin: string; raw: Buffer }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  let current: string[] | null = null;
  let index = 0;
  const flush = () => {
    // The blank line mbox puts before the next "From " separator is not part of the message.
    while (current && current.length > 0 && current[current.length - 1] === '') current.pop();
    return { origin: `${file}#${++index}`, raw: Buffer.from(current!.join('\r\n') + '\r\n', 'latin1') };
  };
  for await (const line of lines) {
    if (line.startsWith('From ')) {
      if (current && current.length > 0) yield flush();
      current = [];
      continue;
    }
    current?.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current && current.length > 0) yield flush();
}
