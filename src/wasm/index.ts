export { MAX_VAR_U32_BYTES, readVarU32, varU32Size, writeVarU32 } from './leb128.js';
export {
  COMPONENT_HEADER,
  MAX_CUSTOM_NAME_BYTES,
  MAX_PARSED_SECTIONS,
  MAX_WASM_NESTING,
  MODULE_HEADER,
  type WasmBinary,
  type WasmCustomSection,
  type WasmKind,
  type WasmSection,
  type WasmSectionRef,
  type WasmVisitor,
  parseWasm,
  walkWasm,
} from './reader.js';
export { TOKEN_SECTION_NAMES, type TokenSectionName, computeLegacyModuleHash, computeModuleHash, stripTokenSections } from './hash.js';
export { type EmbeddedToken, embedToken, readEmbeddedToken } from './token.js';
