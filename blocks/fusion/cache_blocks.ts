// roboflow_core/cache_set@v1 and cache_get@v1: a process-wide in-memory key/value store namespaced by the image's
// video_identifier ('default' outside videos). cache_get gives false for keys never set, as Roboflow's does.
import { WorkflowImage, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';

const namespaces = new Map<string, Map<string, unknown>>();

function namespaceOf(image: WorkflowImage): Map<string, unknown> {
  const name = image.videoMetadata?.video_identifier || 'default';
  let cache = namespaces.get(name);
  if (!cache) namespaces.set(name, (cache = new Map()));
  return cache;
}

const imageProperty = (description: string) =>
  selector(['image'], { description, examples: ['$inputs.image'] }, { selectedElement: 'workflow_image' });
const keyProperty = (description: string) =>
  literalOrSelector({ type: 'string' }, ['string'], { description, examples: ['my_cache_key', '$inputs.cache_key'] });

export const cacheSetV1 = defineBlock<{ image: WorkflowImage; key: string; value: unknown }>({
  manifest: {
    type: 'roboflow_core/cache_set@v1',
    humanName: 'Cache Set',
    version: 'v1',
    blockType: 'fusion',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Stores a value in a cache entry for later retrieval.',
    longDescription:
      'Stores a value under a key in an in-memory cache namespaced by the video identifier of the image; read it back with Cache Get.',
    properties: {
      image: imageProperty('The image data to use as a reference for the cache namespace.'),
      key: keyProperty('The key of the cache entry to set.'),
      value: selector(['*', 'list_of_values'], {
        description: 'The value to store in the cache.',
        examples: ['any_value'],
      }),
    },
    required: ['image', 'key', 'value'],
    outputs: [{ name: 'output', kind: ['*'] }],
  },
  run({ image, key, value }) {
    namespaceOf(image).set(key, value);
    return { output: value };
  },
});

export const cacheGetV1 = defineBlock<{ image: WorkflowImage; key: string }>({
  manifest: {
    type: 'roboflow_core/cache_get@v1',
    humanName: 'Cache Get',
    version: 'v1',
    blockType: 'fusion',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Fetches a previously stored value from a cache entry.',
    longDescription:
      "Reads the value Cache Set stored under a key in the namespace of the image's video identifier; false when the key was never set.",
    ui: { section: 'advanced', icon: 'far fa-memory' },
    properties: {
      image: imageProperty("Input image whose video identifier selects the cache namespace ('default' without one)."),
      key: keyProperty('Cache key identifying which value to retrieve.'),
    },
    required: ['image', 'key'],
    outputs: [{ name: 'output', kind: ['*'] }],
  },
  run({ image, key }) {
    const cache = namespaceOf(image);
    return { output: cache.has(key) ? cache.get(key) : false };
  },
});
