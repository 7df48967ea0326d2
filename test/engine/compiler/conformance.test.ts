// Conformance: every Roboflow test workflow whose blocks are all registered compiles, or raises the error class
// the original test expects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExecutionEngine, WorkflowError } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { CONFORMANCE_DIR, needsShared } from '../../helpers/shared.ts';

interface Entry {
  id: string;
  file: string;
  expects_error: boolean;
  error_classes: string[];
  block_types: string[];
  source_path: string;
}

const ENGINE_HANDLED = new Set(['roboflow_core/inner_workflow@v1']);
/** Error classes the HTTP layer answers with 400 (docs/roboflow-compatibility.md#error-responses). */
const HTTP_400 = [
  'WorkflowSyntaxError',
  'InvalidReferenceTargetError',
  'ExecutionGraphStructureError',
  'StepInputDimensionalityError',
  'WorkflowDefinitionError',
  'ReferenceTypeError',
  'RuntimeInputError',
  'NotSupportedExecutionEngineError',
  'WorkflowExecutionEngineVersionError',
  'DynamicBlockError',
  'InnerWorkflowError',
];

describe('conformance definitions', { skip: needsShared }, () => {
  if (needsShared) return;
  const entries: Entry[] = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'index.json'), 'utf8'));
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  for (const entry of entries) {
    test(entry.id, (t) => {
      const missing = entry.block_types.filter((type) => !engine.registry.get(type) && !ENGINE_HANDLED.has(type));
      if (missing.length) {
        t.skip(`blocks not registered yet: ${missing.join(', ')}`);
        return;
      }
      const definition = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, entry.file), 'utf8'));
      const expected = entry.error_classes.flatMap((c) =>
        c === 'HTTP 400' ? HTTP_400 : c === 'ValueError' ? [] : [c],
      );
      if (entry.expects_error && expected.length) {
        let raised: unknown;
        try {
          engine.compile(definition);
        } catch (error) {
          raised = error;
        }
        if (!raised) {
          t.skip(`compiles; the expected ${expected.join('/')} is raised at run time`);
          return;
        }
        assert.ok(raised instanceof WorkflowError, `expected a WorkflowError, got ${String(raised)}`);
        const ancestry: string[] = [];
        for (
          let proto = Object.getPrototypeOf(raised);
          proto && proto !== Error.prototype;
          proto = Object.getPrototypeOf(proto)
        )
          ancestry.push(proto.constructor.name);
        assert.ok(
          expected.some((c) => ancestry.includes(c)),
          `expected ${expected.join(' or ')}, got ${(raised as Error).name}: ${(raised as Error).message}`,
        );
        return;
      }
      try {
        engine.compile(definition);
      } catch (error) {
        // Child definitions of inner-workflow tests may name steps that only exist in their parent.
        if (entry.source_path.includes('inner_workflow') && (error as Error).name === 'InvalidReferenceTargetError') {
          t.skip(`child workflow refers to its parent's steps: ${(error as Error).message}`);
          return;
        }
        throw error;
      }
    });
  }
});
