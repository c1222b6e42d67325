import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { sandboxError } from './errors.js';
import { parseBundle, parseTriggerFile, type TriggerSource } from './trigger-source.js';

/**
 * Expands `paths` into trigger files: a folder stands for the `*.js` files directly inside it,
 * sorted by path. Files are returned as absolute paths, in the order given.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    let isFolder: boolean;
    try {
      isFolder = (await stat(absolute)).isDirectory();
    } catch (error) {
      throw sandboxError('TB_ERR_SANDBOX_FILE_READ', `Cannot read trigger path ${absolute}: ${(error as Error).message}`, error);
    }
    if (!isFolder) {
      files.push(absolute);
      continue;
    }
    const names = (await readdir(absolute)).filter((name) => name.endsWith('.js'));
    files.push(...names.map((name) => join(absolute, name)).sort());
  }
  return files;
}

/** Reads one trigger file, or every enabled trigger of a `.json` bundle. */
export async function readTriggerFile(file: string): Promise<TriggerSource[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw sandboxError('TB_ERR_SANDBOX_FILE_READ', `Cannot read trigger file ${file}: ${(error as Error).message}`, error);
  }
  return extname(file).toLowerCase() === '.json' ? parseBundle(file, text) : [parseTriggerFile(file, text)];
}
