// /notifications: the whole activity list (the digest e-mail links here).
import type { JSX } from 'preact'
import { t } from '../../i18n'
import { NotificationList } from './NotificationList'

export function NotificationsScreen(): JSX.Element {
  return (
    <section class="screen">
      <h1>{t('notify.title')}</h1>
      <NotificationList limit={30} />
    </section>
  )
}
