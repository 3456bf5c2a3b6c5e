import { createContext, useContext } from 'react';
import type { GatewayClient } from './api-client';
import type { Session } from '../auth/session';

export interface ConsoleContext {
  api: GatewayClient;
  session: Session;
}

export const ApiContext = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const context = useContext(ApiContext);
  if (!context) throw new Error('useConsole outside a signed-in console');
  return context;
}
