import './styles/app.css';
import { type ClientConfig, DEFAULT_CONFIG, fetchClientConfig } from './api/client-config.js';
import { type JoinOutcome, type JoinRequest, requestJoin } from './api/join-api.js';
import { describeJoinFailure, waitSeconds } from './api/join-failure.js';
import { unlockAudio } from './audio-unlock.js';
import { Localizer } from './i18n/localizer.js';
import { NAME_STORAGE_KEY, nameIssue, roomFromQuery } from './join/join-input.js';
import { readStored, writeStored } from './storage.js';
import { JoinScreen, type JoinValues } from './ui/join-screen.js';

/**
 * Entry: draws the join screen at once from this small chunk. The room (livekit-client and the room UI)
 * is a separate chunk, fetched as soon as the guest starts typing, so it is usually ready by the click.
 */
const root = document.getElementById('app') ?? document.body;
const i18n = new Localizer();
const roomChoice = roomFromQuery(window.location.search);
let config: ClientConfig = DEFAULT_CONFIG;
const configReady = fetchClientConfig().then((loaded) => {
  config = loaded;
  return loaded;
});

let roomModule: Promise<typeof import('./room/room-app.js')> | null = null;
const loadRoom = () => {
  roomModule ??= import('./room/room-app.js');
  // A failed download may be retried by the next attempt to join.
  roomModule.catch(() => (roomModule = null));
  return roomModule;
};

const screen = new JoinScreen({
  i18n,
  initialName: readStored(NAME_STORAGE_KEY) ?? '',
  sharedRoom: roomChoice.room,
  onIntent: () => void loadRoom().catch(() => undefined),
  onSubmit: (values) => void join(values),
});
screen.mount(root);
// Back-navigation may restore a page whose room was left on `pagehide`: start fresh instead.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});
if (roomChoice.invalid) screen.showError({ key: 'errRoomInvalid' });
// With a mouse and keyboard, the name field is where to start; phones keep their keyboard down until tapped.
else if (window.matchMedia('(pointer: fine)').matches) screen.focusName();

void configReady.then((loaded) => {
  if (loaded.passcodeRequired) screen.revealPasscode(false);
  screen.useImages(loaded.avatar);
});

function joinRequest(values: JoinValues): JoinRequest {
  const request: JoinRequest = { name: values.name.trim() };
  if (values.passcode !== '') request.passcode = values.passcode;
  if (roomChoice.room) request.room = roomChoice.room;
  return request;
}

let audio: AudioContext | null = null;

async function join(values: JoinValues): Promise<void> {
  // Still inside the click (or Enter): the only moment browsers allow audio to be unlocked.
  if (audio) audio.resume().catch(() => undefined);
  else audio = unlockAudio();
  const issue = nameIssue(values.name, config.nameMaxChars);
  if (issue) {
    screen.showError(issue, 'name');
    return;
  }
  if (roomChoice.invalid) {
    screen.showError({ key: 'errRoomInvalid' });
    return;
  }
  writeStored(NAME_STORAGE_KEY, values.name.trim());
  screen.setBusy(true);
  screen.showError(null);
  const request = joinRequest(values);
  const outcome = await requestJoin(request);
  if (!outcome.ok) {
    screen.setBusy(false);
    const { failure } = outcome;
    if (failure.kind === 'passcode') {
      screen.revealPasscode(false);
      screen.showError(describeJoinFailure(failure), 'passcode');
      return;
    }
    screen.showError(describeJoinFailure(failure), failure.kind === 'invalid' ? 'name' : null);
    const wait = waitSeconds(failure);
    if (wait > 0) screen.wait(wait, (left) => describeJoinFailure(failure, left));
    return;
  }
  let module: typeof import('./room/room-app.js');
  try {
    [module] = await Promise.all([loadRoom(), configReady]);
  } catch {
    screen.setBusy(false);
    screen.showError({ key: 'errNetwork' });
    return;
  }
  screen.unmount();
  const app = new module.RoomApp({
    root,
    i18n,
    config,
    name: request.name,
    audio,
    rejoin: (): Promise<JoinOutcome> => requestJoin(request),
  });
  app.start(outcome.grant);
}
