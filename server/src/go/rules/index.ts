/** Every Go rule, one module each. */
import type { GoRule } from '../rule';
import { contextBackground } from './contextBackground';
import { contextInStruct } from './contextInStruct';
import { execNoContext } from './execNoContext';
import { goroutineNoExit } from './goroutineNoExit';
import { httpClientNoTimeout } from './httpClientNoTimeout';
import { httpDefaultClient } from './httpDefaultClient';
import { httpRequestNoContext } from './httpRequestNoContext';
import { httpServerNoTimeout } from './httpServerNoTimeout';
import { netDialNoTimeout } from './netDialNoTimeout';
import { selectNoCancel } from './selectNoCancel';
import { serverNoShutdown } from './serverNoShutdown';
import { signalNotifyUnbuffered } from './signalNotifyUnbuffered';
import { unbufferedSendLeak } from './unbufferedSendLeak';

export const goRules: readonly GoRule[] = [
  contextBackground,
  contextInStruct,
  execNoContext,
  goroutineNoExit,
  httpClientNoTimeout,
  httpDefaultClient,
  httpRequestNoContext,
  httpServerNoTimeout,
  netDialNoTimeout,
  selectNoCancel,
  serverNoShutdown,
  signalNotifyUnbuffered,
  unbufferedSendLeak,
];
