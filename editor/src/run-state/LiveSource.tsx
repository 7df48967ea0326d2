// A video file or the webcam as a test input: the browser plays it and sends its current frame as one run on the
// run channel at a time (a frame arriving while one runs is skipped), with video metadata so trackers and other
// stateful blocks see one video. Nodes and the run panel update with every frame; pause and stop.
import { useEffect, useRef, useState } from 'react';
import { effectiveDefinition } from '../../model/canvas-extras.ts';
import { ApiError } from '../api.ts';
import { store } from '../store.ts';
import { liveRun } from './live-run.ts';

type Mode = 'idle' | 'playing' | 'paused';

/** Longest side of the frames sent: enough for models at 640, small enough to keep up. */
const MAX_SIDE = 960;

export function LiveSource(props: {
  input: string;
  /** The other inputs' values (parameters), as the run panel would send them. */
  otherInputs: () => Record<string, unknown>;
  onResult: (outputs: Array<Record<string, unknown>>) => void;
  onError: (message: string) => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [mode, setMode] = useState<Mode>('idle');
  const [source, setSource] = useState<string | null>(null);
  const [frames, setFrames] = useState(0);
  const playing = useRef(false);
  const identifier = useRef('');

  const stopStream = () => {
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = null;
  };
  useEffect(
    () => () => {
      playing.current = false;
      stopStream();
    },
    [],
  );

  const loop = async () => {
    const v = video.current;
    if (!v) return;
    let frame = 0;
    const canvas = document.createElement('canvas');
    while (playing.current && !(v.ended && !stream.current)) {
      if (v.readyState < 2 || v.videoWidth === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const scale = Math.min(1, MAX_SIDE / Math.max(v.videoWidth, v.videoHeight));
      canvas.width = Math.round(v.videoWidth * scale);
      canvas.height = Math.round(v.videoHeight * scale);
      canvas.getContext('2d')!.drawImage(v, 0, 0, canvas.width, canvas.height);
      const jpeg = canvas.toDataURL('image/jpeg', 0.85);
      frame++;
      try {
        const view = await liveRun.run({
          // Bypassed steps left out, as the run button does.
          definition: effectiveDefinition(store.doc.definition, store.doc.layout, store.catalog),
          inputs: {
            ...props.otherInputs(),
            [props.input]: {
              type: 'base64',
              value: jpeg.slice(jpeg.indexOf(',') + 1),
              video_metadata: {
                video_identifier: identifier.current,
                frame_number: frame,
                frame_timestamp: new Date().toISOString(),
                fps: null,
                comes_from_video_file: !stream.current,
              },
            },
          },
          inputImages: [jpeg],
          reuse: false,
          previewSize: 320,
        });
        setFrames(frame);
        props.onResult(view.outputs ?? []);
      } catch (error) {
        if (error instanceof ApiError && error.status === 0) return; // replaced or stopped
        playing.current = false;
        setMode('paused');
        v.pause();
        props.onError((error as Error).message);
        return;
      }
    }
    if (playing.current) {
      playing.current = false;
      setMode('paused');
    }
  };

  const start = async (kind: 'file' | 'webcam', file?: File) => {
    const v = video.current!;
    playing.current = false;
    stopStream();
    identifier.current = `editor-${kind}-${Date.now()}`;
    if (kind === 'webcam') {
      try {
        stream.current = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      } catch (error) {
        props.onError(`Webcam: ${(error as Error).message}`);
        return;
      }
      v.srcObject = stream.current;
      setSource('webcam');
    } else if (file) {
      v.srcObject = null;
      v.src = URL.createObjectURL(file);
      setSource(file.name);
    }
    v.muted = true;
    await v.play().catch(() => undefined);
    setFrames(0);
    setMode('playing');
    playing.current = true;
    void loop();
  };

  const pause = () => {
    playing.current = false;
    video.current?.pause();
    setMode('paused');
  };
  const resume = () => {
    void video.current?.play();
    setMode('playing');
    playing.current = true;
    void loop();
  };
  const stop = () => {
    playing.current = false;
    liveRun.cancel();
    video.current?.pause();
    stopStream();
    setMode('idle');
    setSource(null);
  };

  return (
    <div className="live-source" data-testid={`live-source-${props.input}`}>
      <div className="live-source-buttons">
        <label className="link-button">
          video file…
          <input
            type="file"
            accept="video/*"
            hidden
            data-testid={`live-file-${props.input}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void start('file', file);
            }}
          />
        </label>
        <button className="link-button" data-testid={`live-webcam-${props.input}`} onClick={() => void start('webcam')}>
          webcam
        </button>
        {mode === 'playing' && (
          <button className="link-button" data-testid="live-pause" onClick={pause}>
            pause
          </button>
        )}
        {mode === 'paused' && (
          <button className="link-button" data-testid="live-resume" onClick={resume}>
            resume
          </button>
        )}
        {mode !== 'idle' && (
          <button className="link-button" data-testid="live-stop" onClick={stop}>
            stop
          </button>
        )}
      </div>
      <video ref={video} className={mode === 'idle' ? 'live-video hidden' : 'live-video'} playsInline muted />
      {source && (
        <div className="muted live-status" data-testid="live-status" data-frames={frames}>
          {source} · {mode} · {frames} frame{frames === 1 ? '' : 's'} run
        </div>
      )}
    </div>
  );
}
