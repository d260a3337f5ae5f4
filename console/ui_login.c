/*
 * ui_login.c -- the login screen: login and password (never echoed, not
 * even its length), the server's refusal, and retries. Drawn from ui.c,
 * its keys come from ui_key.c; it draws with paint.c and reads keys with
 * key.c. Main thread only.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

static void
ui_login_add(char *field, size_t size, const char *s, size_t n)
{
	size_t	 len = strlen(field);

	if (len + n + 1 > size)
		return;
	memcpy(field + len, s, n);
	field[len + n] = '\0';
}

static void
ui_login_del(char *field)
{
	size_t	 len = strlen(field);

	while (len > 0) {
		len--;
		if (((unsigned char)field[len] & 0xc0) != 0x80)
			break;
	}
	field[len] = '\0';
}

void
ui_login_key(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 buf[8];
	char		*field = ui->field ? ui->pass : ui->login;
	size_t		 size = ui->field ? sizeof ui->pass : sizeof ui->login;
	size_t		 n;

	if (!fn && k == '\t') {
		ui->field = !ui->field;
	} else if (fn && (k == KEY_UP || k == KEY_DOWN)) {
		ui->field = !ui->field;
	} else if (key_is_enter(fn, k)) {
		if (ui->field == 0 || ui->login[0] == '\0') {
			ui->field = 1;
			return;
		}
		if (ui->pass[0] == '\0')
			return;
		client_set_credentials(c, ui->login, ui->pass, now);
		explicit_bzero(ui->pass, sizeof ui->pass);
		ui->field = 1;
	} else if (key_is_backspace(fn, k)) {
		ui_login_del(field);
	} else if ((n = key_utf8(fn, k, buf, sizeof buf)) != 0)
		ui_login_add(field, size, buf, n);
}

void
ui_login_draw(struct ui *ui)
{
	struct console	*con = ui->con;
	struct client	*c = con->client;
	char		 line[256];
	int		 y = LINES / 2 - 4, x = COLS > 60 ? (COLS - 50) / 2 : 1;

	if (y < 2)
		y = 2;
	snprintf(line, sizeof line, "arc console: log in to %s:%s",
	    con->host, con->port);
	paint_put(y, x, COLS - x, A_BOLD, line);
	paint_put(y + 2, x, 10, A_NORMAL, "Login:");
	paint_put(y + 2, x + 10, 30, A_UNDERLINE,
	    "                              ");
	paint_put(y + 2, x + 10, 30, A_UNDERLINE, ui->login);
	paint_put(y + 3, x, 10, A_NORMAL, "Password:");
	paint_put(y + 3, x + 10, 30, A_UNDERLINE,
	    "                              ");
	if (c->login_error[0] != '\0')
		paint_put(y + 5, x, COLS - x, paint_attr(ui, UI_ERROR),
		    c->login_error);
	else if (c->message[0] != '\0' && c->state < CLIENT_HELLO)
		paint_put(y + 5, x, COLS - x, paint_attr(ui, UI_ERROR),
		    c->message);
	paint_put(y + 7, x, COLS - x, A_NORMAL,
	    "Enter: next / log in   Tab: other field   Ctrl-C: quit");
	if (ui->field == 0) {
		int	 cols;

		paint_fit(ui->login, 29, &cols);
		move(y + 2, x + 10 + cols);
	} else
		move(y + 3, x + 10);	/* no echo, not even the length */
	curs_set(1);
}
