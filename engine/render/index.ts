export { renderArtifacts, sortKeys, type Artifact } from "./artifacts";
export { installRecorder, mockState, redact, SECRET, type Registration } from "./mocks";
export { checkRenderTarget, OutputRefused, RENDER_MARKER, writeArtifacts } from "./output";
export { listStacks, readStackConfig, renderStack, type Rendered, type RenderOptions } from "./render";
