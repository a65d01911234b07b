import { memoryKeyring } from '../../src/custody/memory.js';
import { keyringContract } from './contract.js';

keyringContract({ backend: 'memory' }, async () => ({ ring: memoryKeyring() }));
