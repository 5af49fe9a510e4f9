/* global document, navigator, setTimeout, clearTimeout, BarcodeDetector */
/**
 * Reads QR codes from the phone's rear camera for the inspector's app (issue 19).
 *
 * The browser's own BarcodeDetector is used where it reads QR codes (Android Chrome, Safari
 * 17+ on some systems, ChromeOS): it is fast and runs on the platform's decoder. Elsewhere
 * (desktop Chromium on Linux and Windows, Firefox) frames are copied to a canvas a few times a
 * second and read with jsQR, a maintained pure-JavaScript decoder served from
 * vendor/jsqr.js, loaded only when needed (a quarter of a megabyte the phone would otherwise
 * fetch for nothing).
 *
 *   const stop = await startScanner(videoElement, (text) => ...);
 *   ...
 *   stop(); // the camera light goes off
 *
 * Failures to start are ScannerError with a `code` the app words for the inspector:
 * 'unsupported' (no camera API here, e.g. a page not served over HTTPS), 'denied' (the person
 * or the browser's settings refused the camera), 'no_camera', 'in_use' (another app holds the
 * camera), 'failed' (anything else; `cause` has the browser's error).
 */

/** How often a frame is read: enough to feel immediate, little enough to spare a phone's battery. */
const DETECTOR_INTERVAL_MS = 150;
const JSQR_INTERVAL_MS = 250;
/**
 * A code held in front of the camera is reported once, not several times a second; shown again
 * after this long out of sight, it is reported again (the inspector checks the next page).
 */
const REPEAT_AFTER_MS = 2000;
/**
 * jsQR's work grows with the pixels it reads. A page held at arm's length needs every pixel a
 * 1080p frame has (a printed QR is a small part of it); beyond that the cost is not worth it.
 */
const JSQR_MAX_SIDE = 1920;
/**
 * jsQR misses a code at some sizes that it reads a little smaller, as the modules fall on the
 * pixels: the demo certificate's page at 140 dpi reads at two thirds of that, a long L code's
 * page at 120 dpi at three quarters (docs/credentials.md, "Scanning"). Frames of a large picture
 * are therefore read in turn at full size, three quarters and two thirds.
 */
const JSQR_SCALES = [1, 3 / 4, 2 / 3];
const JSQR_SCALES_FROM = 1000;

export class ScannerError extends Error {
  /**
   * @param {'unsupported'|'denied'|'no_camera'|'in_use'|'failed'} code
   * @param {string} message
   * @param {unknown} [cause]
   */
  constructor(code, message, cause) {
    super(message);
    this.name = 'ScannerError';
    this.code = code;
    this.cause = cause;
  }
}

/** The browser's refusal, as one of the codes above. */
function cameraError(error) {
  const name = error && typeof error === 'object' ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new ScannerError('denied', 'Permission to use the camera was refused.', error);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new ScannerError('no_camera', 'No camera was found on this device.', error);
    case 'NotReadableError':
    case 'AbortError':
      return new ScannerError('in_use', 'The camera is in use by another application.', error);
    default:
      return new ScannerError('failed', `The camera could not be started: ${error}`, error);
  }
}

/** A BarcodeDetector for QR codes, or null where the browser has none that reads them. */
async function nativeDetector() {
  if (typeof BarcodeDetector === 'undefined') return null;
  try {
    const formats = await BarcodeDetector.getSupportedFormats();
    if (!formats.includes('qr_code')) return null;
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    };
  } catch {
    return null;
  }
}

/** jsQR on canvas copies of the video's frames. */
async function jsqrDetector() {
  const { default: jsQR } = await import(new URL('../vendor/jsqr.js', import.meta.url).href);
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let frame = 0;
  return async (video) => {
    const { videoWidth: w, videoHeight: h } = video;
    if (!w || !h) return null;
    const turn = Math.max(w, h) >= JSQR_SCALES_FROM ? JSQR_SCALES[frame++ % JSQR_SCALES.length] : 1;
    const scale = Math.min(1, JSQR_MAX_SIDE / Math.max(w, h)) * turn;
    const width = Math.round(w * scale);
    const height = Math.round(h * scale);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    // Printed certificates are dark on light; trying the inverse too would halve the rate.
    const code = jsQR(data, width, height, { inversionAttempts: 'dontInvert' });
    return code ? code.data : null;
  };
}

/**
 * Starts the rear camera in `video` and calls `onText(text)` for each QR code read.
 * Resolves, once the camera shows a picture, to `stop()`, which ends the reading and turns the
 * camera off (safe to call twice); `stop.decoder` says which reader is in use
 * ('barcode-detector' or 'jsqr').
 *
 * @param {HTMLVideoElement} video
 * @param {(text: string) => void} onText
 * @param {{ decoder?: 'auto'|'jsqr' }} [options] `jsqr` skips the browser's detector (tests).
 * @returns {Promise<(() => void) & { decoder: string }>}
 */
export async function startScanner(video, onText, options = {}) {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
    throw new ScannerError(
      'unsupported',
      'This browser cannot use the camera here (the page must be opened over HTTPS).',
    );
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      // "ideal": a laptop with only a front camera still works. Without a width a phone gives
      // 640x480, too coarse for a printed QR of ninety modules; no height is asked, so the
      // browser does not crop the picture to a shape it was not taken in.
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 } },
    });
  } catch (error) {
    throw cameraError(error);
  }

  let stopped = false;
  let timer = null;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.pause();
    video.srcObject = null;
  };

  try {
    // Inline and muted, or iOS opens it full screen and some browsers refuse to play it.
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    video.srcObject = stream;
    await video.play();
    const native = options.decoder === 'jsqr' ? null : await nativeDetector();
    const read = native ?? (await jsqrDetector());
    const interval = native ? DETECTOR_INTERVAL_MS : JSQR_INTERVAL_MS;
    stop.decoder = native ? 'barcode-detector' : 'jsqr';

    let last = '';
    let lastAt = 0;
    const tick = async () => {
      if (stopped) return;
      let text = null;
      try {
        if (video.readyState >= video.HAVE_CURRENT_DATA) text = await read(video);
      } catch {
        // One unreadable frame (the video resizing as the phone turns) is not an error.
      }
      if (stopped) return;
      const now = Date.now();
      if (text && (text !== last || now - lastAt > REPEAT_AFTER_MS)) {
        last = text;
        lastAt = now;
        onText(text);
      } else if (text) {
        lastAt = now;
      }
      if (!stopped) timer = setTimeout(() => void tick(), interval);
    };
    // The camera may end on its own (unplugged, taken by the system): stop reading too.
    for (const track of stream.getVideoTracks()) track.addEventListener('ended', stop);
    timer = setTimeout(() => void tick(), 0);
    return stop;
  } catch (error) {
    stop();
    throw error instanceof ScannerError ? error : cameraError(error);
  }
}
