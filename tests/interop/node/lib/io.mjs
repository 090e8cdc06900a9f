// Command-line plumbing shared by the scripts: argument parsing, JSON on stdin/stdout,
// exit code 2 with a message on stderr for any internal error.
import {parseArgs} from 'node:util';

export function contextsArg() {
  const {values} = parseArgs({
    options: {contexts: {type: 'string'}},
    allowPositionals: false
  });
  if(!values.contexts) {
    throw new Error('--contexts PATH/TO/contexts.json is required');
  }
  return values.contexts;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Runs `handle(request, contextsPath)` for one request object, or for each element of
// an array of requests (a batch), and prints the result(s) as JSON.
export async function main(handle) {
  try {
    const contextsPath = contextsArg();
    const input = await readStdin();
    const output = Array.isArray(input) ?
      await Promise.all(input.map(request => handle(request, contextsPath))) :
      await handle(input, contextsPath);
    process.stdout.write(JSON.stringify(output));
    process.stdout.write('\n');
  } catch(error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 2;
  }
}
