import { Menu, Notification, Tray, nativeImage, type BrowserWindow } from 'electron';
import path from 'node:path';
import type { TrayIcon } from '../core/app/trayState.js';
import type { NotificationPort } from './batchNotifier.js';
import type { TrayMenuItem, TrayPort } from './trayController.js';

export const electronNotifications: NotificationPort = {
  isSupported: () => Notification.isSupported(),
  show: ({ title, body, onClick }) => {
    const notification = new Notification({ title, body, silent: false });
    notification.on('click', onClick);
    notification.show();
  },
};

/** The tray icon and the taskbar/dock progress of the main window. */
export function electronTray(resources: string, window: () => BrowserWindow | undefined): TrayPort {
  const image = (icon: TrayIcon) => nativeImage.createFromPath(path.join(resources, `tray-${icon}.png`)).resize({ width: 16, height: 16 });
  const tray = new Tray(image('idle'));
  return {
    setIcon: (icon) => tray.setImage(image(icon)),
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items: TrayMenuItem[]) => tray.setContextMenu(Menu.buildFromTemplate(items.map((item) => ({ ...item })))),
    setProgress: (progress) => window()?.setProgressBar(progress),
  };
}
