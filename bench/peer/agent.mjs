// The peer of `make bench`: a LiveKit Agents for Node worker doing what our avatar does for a typed turn —
// text in on lk.chat, an OpenAI-compatible LLM, an OpenAI-compatible TTS, audio out to the room — pointed at
// the same local fakes, so that only the framework's own overhead differs.
//
//   LIVEKIT_URL=ws://… LIVEKIT_API_KEY=… LIVEKIT_API_SECRET=… PEER_LLM_URL=http://…/v1 PEER_TTS_URL=http://…/v1 \
//     node bench/peer/agent.mjs start
//
// `start` is the production worker: it registers with the LiveKit server named in LIVEKIT_URL (any server, no
// cloud) and, having no agent name, is dispatched automatically to every new room. `dev` is deprecated and
// keeps no idle processes, which would not be the framework as deployed.
import { fileURLToPath } from 'node:url';
import { ServerOptions, cli, defineAgent, voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';

/** Same identity as our avatar, so one guest client (libs/testing GuestClient) times both. */
const IDENTITY = process.env.PEER_IDENTITY ?? 'dh-avatar';
const INSTRUCTIONS = '你是开心，一个友好的数字人。用一两句简短的中文回答。';

export default defineAgent({
  entry: async (ctx) => {
    await ctx.connect();
    const session = new voice.AgentSession({
      llm: new openai.LLM({
        baseURL: process.env.PEER_LLM_URL,
        apiKey: process.env.PEER_LLM_API_KEY ?? 'fake',
        model: 'deepseek-chat',
      }),
      tts: new openai.TTS({
        baseURL: process.env.PEER_TTS_URL,
        apiKey: process.env.PEER_TTS_API_KEY ?? 'fake',
        model: 'tts-1',
        voice: 'alloy',
      }),
      // Text turns only: null stops the session from loading its bundled Silero VAD (an ONNX model) that it
      // would otherwise provision by default; with no STT there is nothing to feed it anyway.
      vad: null,
    });
    // The agent gets no tools, so the plugin sends neither `tools` nor `tool_choice`: a plain chat request,
    // like the one our dialogue service sends.
    await session.start({
      agent: new voice.Agent({ instructions: INSTRUCTIONS }),
      room: ctx.room,
      // Guests type; no microphone is subscribed, as our avatar subscribes none for a text turn.
      inputOptions: { audioEnabled: false, textEnabled: true },
      outputOptions: { audioEnabled: true, transcriptionEnabled: true },
    });
  },
});

cli.runApp(
  new ServerOptions({
    agent: fileURLToPath(import.meta.url),
    // One warm process: the least the pool allows in production (0 falls back to the default of
    // min(cores, 4)), so the memory compared is the conversations' plus one spare, not four spares.
    numIdleProcesses: Number(process.env.PEER_IDLE_PROCESSES ?? 1),
    // The default (0.7 of the machine's CPU) would make the worker refuse rooms while the bench itself loads
    // the machine; our stack has no such gate, so the peer gets none either. The load it reports must say so
    // too: with the machine's CPU reported (near 1 on a busy 2-core bench), LiveKit stops offering it rooms.
    loadThreshold: Infinity,
    loadFunc: async () => 0,
    // The worker's health server; the production default 8081 may be taken on a developer's machine.
    host: '127.0.0.1',
    port: Number(process.env.PEER_HEALTH_PORT ?? 0) || undefined,
    requestFunc: (job) => job.accept('peer', IDENTITY),
  }),
);
