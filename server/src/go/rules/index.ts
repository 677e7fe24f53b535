/** Every Go rule, one module each. */
import type { GoRule } from '../rule';
import { blocksForever } from './blocksForever';
import { contextBackground } from './contextBackground';
import { contextInStruct } from './contextInStruct';
import { deferInLoop } from './deferInLoop';
import { execNoContext } from './execNoContext';
import { goroutineNoExit } from './goroutineNoExit';
import { httpClientNoTimeout } from './httpClientNoTimeout';
import { httpDefaultClient } from './httpDefaultClient';
import { httpRequestNoContext } from './httpRequestNoContext';
import { httpServerNoTimeout } from './httpServerNoTimeout';
import { lostCancel } from './lostCancel';
import { netDialNoTimeout } from './netDialNoTimeout';
import { responseBodyNotClosed } from './responseBodyNotClosed';
import { rowsNotClosed } from './rowsNotClosed';
import { selectNoCancel } from './selectNoCancel';
import { serverNoShutdown } from './serverNoShutdown';
import { signalNotifyUnbuffered } from './signalNotifyUnbuffered';
import { spanNotEnded } from './spanNotEnded';
import { strandedReceiver } from './strandedReceiver';
import { strandedSender } from './strandedSender';
import { tickerNotStopped } from './tickerNotStopped';
import { timeAfterInLoop } from './timeAfterInLoop';
import { timerNotStopped } from './timerNotStopped';
import { timeTick } from './timeTick';
import { waitgroupAddInGoroutine } from './waitgroupAddInGoroutine';

export const goRules: readonly GoRule[] = [
  blocksForever,
  contextBackground,
  contextInStruct,
  deferInLoop,
  execNoContext,
  goroutineNoExit,
  httpClientNoTimeout,
  httpDefaultClient,
  httpRequestNoContext,
  httpServerNoTimeout,
  lostCancel,
  netDialNoTimeout,
  responseBodyNotClosed,
  rowsNotClosed,
  selectNoCancel,
  serverNoShutdown,
  signalNotifyUnbuffered,
  spanNotEnded,
  strandedReceiver,
  strandedSender,
  tickerNotStopped,
  timeAfterInLoop,
  timeTick,
  timerNotStopped,
  waitgroupAddInGoroutine,
];
