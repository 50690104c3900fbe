// The Pulumi program. Everything it does is in engine/program.ts, so `recette render` and the
// tests run exactly this under Pulumi's mocks.
import { runProgram } from "./engine/program";

export = runProgram();
