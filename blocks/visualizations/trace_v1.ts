import { boxAnchor, POSITIONS, type Point } from '../common/draw/index.ts';
import { defineVisualization, detectionColors, enumProperty, intProperty } from './common.ts';

type Traces = Map<number, Point[]>;

export const traceVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/trace_visualization@v1',
    cacheable: false, // keeps each track's history
    humanName: 'Trace Visualization',
    shortDescription: 'Draw the recent path of each tracked object.',
    icon: 'fas fa-route',
    colorable: true,
    properties: {
      position: enumProperty(
        'Position',
        'The anchor position of the detections used for the trace.',
        POSITIONS,
        'CENTER',
      ),
      trace_length: intProperty('Trace Length', 'Maximum number of historical points to keep per tracked object.', 30),
      thickness: intProperty('Thickness', 'Thickness of the trace lines in pixels.', 2),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    if (!detections.trackerId) return;
    // History lives as long as the compiled workflow, per video (or per input when not from a video).
    const video = params.image.videoMetadata?.video_identifier ?? 'default';
    const key = `trace:${video}`;
    let traces = context.state.get(key) as Traces | undefined;
    if (!traces) context.state.set(key, (traces = new Map()));
    const colors = detectionColors(
      { ...params, color_axis: params.color_axis ?? 'TRACK' },
      detections,
      context.stepName,
    );
    const length = Math.max(1, Number(params.trace_length ?? 30));
    for (let i = 0; i < detections.length; i++) {
      const id = detections.trackerId[i]!;
      const trace = traces.get(id) ?? [];
      trace.push(boxAnchor(detections.box(i), String(params.position ?? 'CENTER')));
      if (trace.length > length) trace.splice(0, trace.length - length);
      traces.set(id, trace);
      canvas.polyline(trace, colors[i]!, Number(params.thickness ?? 2));
    }
  },
);
