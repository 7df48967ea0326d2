// roboflow_core/cosine_similarity@v1: cosine of the angle between two embeddings.
import { WorkflowExecutionEngineError, defineBlock, selector } from '../../engine/index.ts';

interface Params {
  embedding_1: ArrayLike<number>;
  embedding_2: ArrayLike<number>;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

export const cosineSimilarityV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/cosine_similarity@v1',
    humanName: 'Cosine Similarity',
    version: 'v1',
    blockType: 'math',
    shortDescription: 'Calculate the cosine similarity between two embeddings.',
    longDescription:
      '1 means the embeddings point the same way, 0 that they are orthogonal; greater values mean more similar.',
    license: 'MIT',
    ui: { section: 'advanced', icon: 'far fa-calculator-simple', blockPriority: 3 },
    properties: {
      embedding_1: selector(['embedding'], { description: 'Embedding 1', examples: ['$steps.clip_image.embedding'] }),
      embedding_2: selector(['embedding'], { description: 'Embedding 2', examples: ['$steps.clip_text.embedding'] }),
    },
    required: ['embedding_1', 'embedding_2'],
    outputs: [{ name: 'similarity', kind: ['float'] }],
  },
  run({ embedding_1, embedding_2 }, context) {
    if (!embedding_1 || !embedding_2 || embedding_1.length !== embedding_2.length || embedding_1.length === 0) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: embedding_1 and embedding_2 must be non-empty embeddings of equal length (got ${embedding_1?.length} and ${embedding_2?.length})`,
      );
    }
    return { similarity: cosineSimilarity(embedding_1, embedding_2) };
  },
});
