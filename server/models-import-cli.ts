// npm run models:import -- <file.onnx> <model_id> [--cache-dir d] [--class-names a,b]
// Installs an ONNX file as a model package in Roboflow's cache layout.
import path from 'node:path';
import { installModelPackage } from '../blocks/models/package.ts';
import { loadConfig } from './config.ts';

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: npm run models:import -- <file.onnx> <model_id> [--cache-dir <dir>] [--class-names a,b,c]');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const positional: string[] = [];
  let cacheDir: string | undefined;
  let classNames: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--cache-dir') cacheDir = argv[++i] ?? usage('--cache-dir needs a value');
    else if (arg === '--class-names')
      classNames = (argv[++i] ?? usage('--class-names needs a value'))
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (arg === '-h' || arg === '--help') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 2) usage('expected <file.onnx> and <model_id>');
  const [onnxPath, modelId] = positional as [string, string];
  const dir = await installModelPackage(path.resolve(onnxPath), modelId, cacheDir ?? loadConfig().modelCacheDir, {
    classNames,
  });
  console.log(`installed ${modelId} in ${dir}`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`${(error as Error).name}: ${(error as Error).message}`);
  process.exit(1);
});
