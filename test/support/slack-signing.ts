/** Signed Slack requests and payload builders live with the demo, which clicks through Slack too. */
export * from '../../src/demo/stand-ins/slack-signing.ts';
