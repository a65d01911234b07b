/**
 * How much untrusted input sigchain reads, decided before reading it (from a file's size, or by
 * stopping a stream one byte past the bound), so a huge file or pipe is refused at once with
 * `TOKEN_TOO_LARGE` instead of being read into memory.
 */
import { MAX_TOKEN_SIZE } from '../jwt/decode.js';

/**
 * One token's input (a token, a `.jwt` file, a decorated JWT or a creds file, standard input):
 * the 1 MiB NATS token limit plus 64 KiB for armor lines, a seed, comments and blank lines.
 */
export const MAX_TOKEN_FILE_SIZE = MAX_TOKEN_SIZE + 64 * 1024;

/**
 * One file that may hold several tokens (a server config with `resolver_preload`, a `--chain`
 * or `--trust` file): 16 MiB, room for hundreds of typical accounts and a few at the 1 MiB limit.
 */
export const MAX_TEXT_FILE_SIZE = 16 * 1024 * 1024;

/**
 * Everything one `--chain` reads together (files and folders walked): 64 MiB, about a hundred
 * thousand typical user and account JWTs.
 */
export const MAX_CHAIN_INPUT_SIZE = 64 * 1024 * 1024;
