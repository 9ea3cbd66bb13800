"""The English catalogue's words for `renewd init` (`init.*`): the guided setup's questions and
answers, the comments of the configuration it writes, the roster template's example row.
Merged into `renewd.core.words_en`."""

INIT_EN: dict[str, str] = {
    "init.hello": "renewd setup: answer a few questions to write the configuration {path}."
    " Defaults are in brackets: press Enter to take one.",
    "init.yes_words": "y yes",
    "init.no_words": "n no",
    "init.yn.yes": "[Y/n]",
    "init.yn.no": "[y/N]",
    "init.yn.bad": "please answer y (yes) or n (no)",
    "init.q.overwrite": "{path} exists. Overwrite it?",
    "init.exists.kept": "nothing changed: {path} is as it was (--force overwrites it).",
    "init.exists.refused": "{path} exists: renewd init does not overwrite it without --force",
    "init.missing": "no answer for “{question}”: give {flag} (--yes asks nothing)",
    "init.eof": "the input ended before “{question}” was answered (or give {flag})",
    "init.none": "-",
    "init.list_sep": ", ",
    # questions
    "init.q.org": "Organisation name (signs the messages and names the sender)",
    "init.q.roster": "Roster file (Excel, CSV or TOML; if it does not exist, a roster template"
    " is made there)",
    "init.q.departments": "Departments, separated by commas (the values of the roster's group"
    " column; none: press Enter)",
    "init.q.smtp_host": "Outgoing mail server (SMTP), e.g. smtp.exmail.qq.com",
    "init.q.smtp_mode": "Connection: ssl, starttls or plain",
    "init.q.smtp_port": "Port",
    "init.q.smtp_sender": "Sender address",
    "init.q.smtp_password": "The sender's password or app code (not shown; no login: press Enter)",
    "init.q.smtp_password_keep": "The sender's password or app code (not shown; Enter keeps"
    " the one there is)",
    "init.q.smtp_user": "Login name",
    "init.q.hr": "HR mailbox of {group} (several: separate with commas; - for none, and its"
    " employees hear the employer's steps themselves)",
    "init.q.escalate": "Escalation contact's mailbox: who hears of overdue steps, plans that"
    " cannot finish in time and critical dates at risk (several: commas; - for none)",
    "init.q.base_url": "The address phones open (console, calendar subscriptions, confirmation"
    " links)",
    "init.q.admin": "Console admin account name",
    "init.q.admin_password": "Admin password (at least 8 characters, not shown; Enter makes"
    " one up)",
    "init.q.again": "Once more",
    "init.q.test": "Send a test mail to {to} now?",
    # refusals of an answer
    "init.bad.empty": "please answer",
    "init.bad.org": 'at most {n} characters, without < > " or control characters',
    "init.bad.email": "“{value}” is not an email address (like hr@example.com)",
    "init.bad.host": "“{value}” is not a server name (like smtp.example.com, without spaces"
    " or ://)",
    "init.bad.mode": "ssl, starttls or plain",
    "init.bad.port": "a port is a number from 1 to 65535",
    "init.bad.listen": "HOST:PORT, e.g. 0.0.0.0:8765",
    "init.bad.url": "the address starts with http:// or https://",
    "init.bad.roster": "a roster is a .xlsx, .xls, .csv, .txt, .tsv or .toml file",
    "init.bad.template": "{path} does not exist; a roster template can be made as .xlsx or"
    " .csv only",
    "init.bad.account": "an account name is 1 to 64 letters, digits, _ . @ -",
    "init.bad.short": "at least {n} characters",
    "init.bad.differ": "the two passwords differ",
    "init.bad.department": "department “{value}” is repeated or has control characters",
    # what it did
    "init.roster.read": "roster {path}: {people}; departments: {groups}",
    "init.roster.no_groups": "roster {path}: {people}; no departments (everyone hears"
    " every step himself)",
    "init.roster.unreadable": "roster {path} cannot be read now ({reason}); renewd check will"
    " list its problems.",
    "init.roster.extra": "the roster {path} has no {value} yet: added all the same (for the"
    " people you are about to add)",
    "init.template.made": "made the roster template {path}: headers, then one example row"
    " ({name}); fill in your employees below it and delete the example.",
    "init.wrote.config": "wrote the configuration {path}",
    "init.wrote.secret": "wrote the SMTP password to {path} (mode 0600: readable by this user"
    " only)",
    "init.secret.kept": "the SMTP password stays the one in {path}",
    "init.secret.env": "the SMTP password comes from RENEWD_SMTP_PASSWORD; not written to a file",
    "init.admin.made": "created the console admin {name}",
    "init.admin.made_with": "created the console admin {name}, password: {password} (shown once)",
    "init.admin.exists": "the console account {name} exists; left as it is",
    "init.admin.failed": "could not create the console admin ({reason}); later: renewd user"
    " add {name} --admin -c {config}",
    "init.check": "checking the configuration (renewd check):",
    "init.check.failed": "the check failed: fix what it says above, then run renewd check -c"
    " {path}",
    "init.test.sending": "sending test mail (renewd notify --test):",
    "init.test.failed": "the test mail did not go out: check [smtp] in {path} and the password,"
    " then run renewd notify --test -c {path}",
    "init.test.later": "send a test mail any time: renewd notify --test -c {path}",
    "init.next": "next:",
    "init.next.roster": "  roster: fill in your employees in {path} (renewd reads it again when"
    " saved)",
    "init.next.creds": "  password: under systemd, add LoadCredential=smtp.password:{path} to"
    " the service; before other commands, CREDENTIALS_DIRECTORY={dir}",
    "init.next.run": "  start: renewd run -c {path} (or systemctl enable --now renewd)",
    "init.next.console": "  console: {url}/",
    # the configuration's comments
    "init.toml.head": "renewd configuration, written by renewd init on {day} for {org}.\n"
    "config.example.toml explains every key; after a change run renewd check -c this file.",
    "init.toml.secrets": "No password in this file. The SMTP password is in {path} (mode 0600),"
    " given to renewd\n"
    "  by a systemd service: LoadCredential=smtp.password:{path}\n"
    "  otherwise: the environment's CREDENTIALS_DIRECTORY={dir}, or RENEWD_SMTP_PASSWORD",
    "init.toml.no_secrets": "The SMTP server needs no login; a password would go in"
    " $CREDENTIALS_DIRECTORY/smtp.password\nor RENEWD_SMTP_PASSWORD, never in this file.",
    "init.toml.language": "default language of messages, feeds and the console (a roster's"
    " lang column sets one person's)",
    "init.toml.roster": "the employees: id, name, permit expiry, group, email ... (headers:"
    " README, The roster)",
    "init.toml.state": "the database and the feed key: back it up",
    "init.toml.listen": "the address and port this machine listens on",
    "init.toml.base_url": "the address phones open: console, feeds, confirmation links",
    "init.toml.send_at": "when reminders go out each day",
    "init.toml.workdays_only": "nothing on weekends and holidays: sent the working day before",
    "init.toml.signature": "how messages to employees sign",
    "init.toml.escalate": "hears of overdue steps, plans that cannot finish in time, critical"
    " dates at risk",
    "init.toml.smtp": "the mail server, once: every email channel below uses it",
    "init.toml.mail": "employees: each one's reminders, to the roster's email column",
    "init.toml.hr": "HR mailbox ({groups}): one digest per pass with the employer's steps"
    " (续办申请, the online review and hand-in)",
    "init.toml.escalation": "the escalation contact: each new overdue step, plan that cannot"
    " finish in time and critical date at risk, and a weekly summary",
    "init.toml.groups": "each department's HR channels (departments: the roster's group column)",
    "init.toml.no_hr": "{group}: no HR mailbox; its employees hear the employer's steps themselves",
    # the roster template's example row and the sender's name
    "init.example.name": "Zhang San",
    "init.example.group": "R&D",
    "init.example.points": "yes",
    "init.example.sheet": "roster",
    "init.signature": "{org} HR",
}
