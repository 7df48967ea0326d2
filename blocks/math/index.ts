import type { BlockDefinition } from '../../engine/index.ts';
import { cosineSimilarityV1 } from './cosine_similarity_v1.ts';
import { environmentSecretsStoreV1 } from './environment_secrets_store_v1.ts';

export const mathBlocks: BlockDefinition<any>[] = [cosineSimilarityV1, environmentSecretsStoreV1];
