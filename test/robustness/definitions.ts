// Valid definitions the fuzz test mutates when ../shared (and its conformance set) is absent too: one classical-CV
// image chain, one formatter/flow-control chain, one model chain (its model is only installed with ../shared).
export const CLASSICAL_CV_WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowParameter', name: 'thresh', default_value: 127 },
    { type: 'WorkflowParameter', name: 'color', default_value: '#ff0000' },
  ],
  steps: [
    {
      type: 'roboflow_core/image_blur@v1',
      name: 'blur',
      image: '$inputs.image',
      blur_type: 'gaussian',
      kernel_size: 5,
    },
    {
      type: 'roboflow_core/threshold@v1',
      name: 'th',
      image: '$steps.blur.image',
      threshold_type: 'binary',
      thresh_value: '$inputs.thresh',
      max_value: 255,
    },
    { type: 'roboflow_core/contours_detection@v1', name: 'contours', image: '$steps.th.image', line_thickness: 2 },
    {
      type: 'roboflow_core/dominant_color@v1',
      name: 'dom',
      image: '$inputs.image',
      color_clusters: 3,
      max_iterations: 10,
    },
    {
      type: 'roboflow_core/pixel_color_count@v1',
      name: 'count',
      image: '$inputs.image',
      target_color: '$inputs.color',
      tolerance: 10,
    },
    {
      type: 'roboflow_core/absolute_static_crop@v1',
      name: 'crop',
      images: '$inputs.image',
      x_center: 16,
      y_center: 16,
      width: 24,
      height: 24,
    },
    {
      type: 'roboflow_core/image_slicer@v2',
      name: 'slicer',
      image: '$steps.crop.crops',
      slice_width: 8,
      slice_height: 8,
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'contours', selector: '$steps.contours.number_contours' },
    { type: 'JsonField', name: 'rgb', selector: '$steps.dom.rgb_color' },
    { type: 'JsonField', name: 'count', selector: '$steps.count.matching_pixels_count' },
    { type: 'JsonField', name: 'slices', selector: '$steps.slicer.slices' },
  ],
};

export const FORMATTERS_WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowParameter', name: 'some', default_value: '1' },
    { type: 'WorkflowParameter', name: 'raw', default_value: '{"a": 1, "b": "x"}' },
  ],
  steps: [
    {
      type: 'roboflow_core/expression@v1',
      name: 'to_int',
      data: { some: '$inputs.some' },
      switch: {
        type: 'CasesDefinition',
        cases: [],
        default: {
          type: 'DynamicCaseResult',
          parameter_name: 'some',
          operations: [{ type: 'ToNumber', cast_to: 'int' }],
        },
      },
    },
    {
      type: 'roboflow_core/continue_if@v1',
      name: 'gate',
      condition_statement: {
        type: 'StatementGroup',
        statements: [
          {
            type: 'BinaryStatement',
            left_operand: { type: 'DynamicOperand', operand_name: 'left' },
            comparator: { type: '(Number) ==' },
            right_operand: { type: 'StaticOperand', value: 1 },
          },
        ],
      },
      evaluation_parameters: { left: '$steps.to_int.output' },
      next_steps: ['$steps.qr'],
    },
    { type: 'roboflow_core/qr_code_generator@v1', name: 'qr', text: '$inputs.some' },
    { type: 'roboflow_core/json_parser@v1', name: 'parser', raw_json: '$inputs.raw', expected_fields: ['a', 'b'] },
    {
      type: 'roboflow_core/string_template@v1',
      name: 'template',
      template: 'value {a} of {b}',
      data: { a: '$steps.parser.a', b: '$steps.parser.b' },
    },
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'size',
      data: '$inputs.image',
      operations: [{ type: 'ExtractImageProperty', property_name: 'aspect_ratio' }],
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'text', selector: '$steps.template.output' },
    { type: 'JsonField', name: 'qr', selector: '$steps.qr.qr_code' },
    { type: 'JsonField', name: 'aspect', selector: '$steps.size.output' },
  ],
};

export const DETECTION_CHAIN_WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowParameter', name: 'model', default_value: 'yolov8n-640' },
    { type: 'WorkflowParameter', name: 'confidence', default_value: 0.3 },
  ],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'det',
      images: '$inputs.image',
      model_id: '$inputs.model',
      confidence: '$inputs.confidence',
    },
    {
      type: 'roboflow_core/detections_filter@v1',
      name: 'filter',
      predictions: '$steps.det.predictions',
      operations: [
        {
          type: 'DetectionsFilter',
          filter_operation: {
            type: 'StatementGroup',
            statements: [
              {
                type: 'BinaryStatement',
                left_operand: {
                  type: 'DynamicOperand',
                  operations: [{ type: 'ExtractDetectionProperty', property_name: 'class_name' }],
                },
                comparator: { type: 'in (Sequence)' },
                right_operand: { type: 'StaticOperand', value: ['person', 'bus'] },
              },
            ],
          },
        },
      ],
    },
    {
      type: 'roboflow_core/dynamic_crop@v1',
      name: 'crops',
      images: '$inputs.image',
      predictions: '$steps.filter.predictions',
    },
    { type: 'roboflow_core/dimension_collapse@v1', name: 'collapse', data: '$steps.crops.crops' },
    {
      type: 'roboflow_core/bounding_box_visualization@v1',
      name: 'viz',
      image: '$inputs.image',
      predictions: '$steps.det.predictions',
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'predictions', selector: '$steps.filter.predictions' },
    { type: 'JsonField', name: 'crops', selector: '$steps.collapse.output' },
    { type: 'JsonField', name: 'viz', selector: '$steps.viz.image' },
  ],
};

export const OWN_DEFINITIONS: Record<string, unknown> = {
  classical_cv: CLASSICAL_CV_WORKFLOW,
  formatters: FORMATTERS_WORKFLOW,
  detection_chain: DETECTION_CHAIN_WORKFLOW,
};
