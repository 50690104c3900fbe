export { renderArtifacts, sortKeys, type Artifact } from "./artifacts";
export { installRecorder, mockState, redact, SECRET, type Registration } from "./mocks";
export { listStacks, readStackConfig, renderStack, writeArtifacts, type Rendered, type RenderOptions } from "./render";
