/*
 * db_keyfile.c -- unit keys at rest. The key file beside the database
 * ("<database>.key", 0600, 64 hex digits: a random AES-256 key) seals
 * each unit's AES key before it is stored: AES-256-GCM with a fresh
 * random 96-bit nonce, the unit (protocol:account) as associated data so
 * a sealed key cannot be moved to another unit, stored as
 * "enc:" BASE64(nonce | ciphertext | tag). A key stored before sealing
 * existed ("ascii:..." / "hex:...") still loads as it is.
 *
 * The key file is made by arcctl init (or arcd at start-up) when it is
 * missing, and read only if nobody but its owner may read it
 * (secfile_open). Whoever has both the key file and the database has the
 * unit keys: back them up together, keep them apart from copies of the
 * database sent elsewhere.
 *
 * Thread: any; a loaded struct db_keyfile is read-only.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "db.h"
#include "runtime.h"

#define KEYFILE_NONCE	12
#define KEYFILE_TAG	16
#define KEYFILE_PLAIN	80	/* the longest key text sealed */
#define KEYFILE_PREFIX	"enc:"

/* "<database>.key" */
int
db_keyfile_path(const char *database, char *out, size_t size)
{
	int	 n = snprintf(out, size, "%s.key", database);

	return (n > 0 && (size_t)n < size ? 0 : -1);
}

/* A new key file at path (0600); 1 if one is there already, 0, or -1. */
int
db_keyfile_make(const char *path, char **cause)
{
	uint8_t		 key[DB_KEYFILE_LEN];
	char		 text[2 * DB_KEYFILE_LEN + 2];
	size_t		 i;
	int		 fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST)
		return (1);
	if (fd == -1) {
		xasprintf(cause, "key file %s: %s", path, strerror(errno));
		return (-1);
	}
	if (RAND_bytes(key, sizeof key) != 1) {
		xasprintf(cause, "key file %s: no random bytes", path);
		goto out;
	}
	for (i = 0; i < sizeof key; i++)
		snprintf(text + 2 * i, 3, "%02x", key[i]);
	text[2 * DB_KEYFILE_LEN] = '\n';
	if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1) ||
	    fsync(fd) == -1) {
		xasprintf(cause, "key file %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(key, sizeof key);
	explicit_bzero(text, sizeof text);
	close(fd);
	if (rc == -1)
		unlink(path);
	return (rc);
}

static int
keyfile_hex(const char *s, uint8_t *out, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			return (-1);
		hi = tolower((unsigned char)s[2 * i]);
		lo = tolower((unsigned char)s[2 * i + 1]);
		out[i] = (isdigit(hi) ? hi - '0' : hi - 'a' + 10) << 4 |
		    (isdigit(lo) ? lo - '0' : lo - 'a' + 10);
	}
	return (0);
}

/* Read path (0600 or refused) into kf; 0 or -1 and *cause. */
int
db_keyfile_load(const char *path, struct db_keyfile *kf, char **cause)
{
	FILE	*f;
	char	 text[2 * DB_KEYFILE_LEN + 8];
	size_t	 len = 0;
	int	 rc = -1;

	memset(kf, 0, sizeof *kf);
	if ((f = secfile_open("key file", path, cause)) == NULL)
		return (-1);
	if (fgets(text, sizeof text, f) != NULL)
		len = strcspn(text, "\r\n");
	fclose(f);
	if (len == 2 * DB_KEYFILE_LEN &&
	    keyfile_hex(text, kf->key, DB_KEYFILE_LEN) == 0 &&
	    strlcpy(kf->path, path, sizeof kf->path) < sizeof kf->path)
		rc = 0;
	else
		xasprintf(cause, "key file %s: not %d hex digits", path,
		    2 * DB_KEYFILE_LEN);
	explicit_bzero(text, sizeof text);
	if (rc == -1)
		explicit_bzero(kf, sizeof *kf);
	return (rc);
}

void
db_keyfile_clear(struct db_keyfile *kf)
{
	explicit_bzero(kf, sizeof *kf);
}

/* The key text is sealed ("enc:..."). */
int
db_keyfile_sealed(const char *key)
{
	return (strncmp(key, KEYFILE_PREFIX, strlen(KEYFILE_PREFIX)) == 0);
}

/* AES-256-GCM of in (len) with the unit as associated data. */
static int
keyfile_gcm(const struct db_keyfile *kf, int enc, const char *unit,
    const uint8_t *nonce, const uint8_t *in, int len, uint8_t *out,
    uint8_t *tag)
{
	EVP_CIPHER_CTX	*c;
	int		 n, fin, ok;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, kf->key, nonce,
	    enc) == 1 &&
	    EVP_CipherUpdate(c, NULL, &n, (const uint8_t *)unit,
	    (int)strlen(unit)) == 1 &&
	    EVP_CipherUpdate(c, out, &n, in, len) == 1 &&
	    (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, KEYFILE_TAG,
	    tag) == 1) &&
	    EVP_CipherFinal_ex(c, out + n, &fin) == 1 &&
	    (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, KEYFILE_TAG,
	    tag) == 1);
	EVP_CIPHER_CTX_free(c);
	return (ok ? 0 : -1);
}

/* Seal the key text plain of unit (protocol, account) into out. 0 or -1. */
int
db_keyfile_seal(const struct db_keyfile *kf, const char *protocol,
    const char *account, const char *plain, char *out, size_t size)
{
	uint8_t		 blob[KEYFILE_NONCE + KEYFILE_PLAIN + KEYFILE_TAG];
	char		 unit[40];
	size_t		 len = strlen(plain), need;
	int		 rc = -1;

	snprintf(unit, sizeof unit, "%s:%s", protocol, account);
	need = strlen(KEYFILE_PREFIX) + 4 * ((sizeof blob + 2) / 3) + 1;
	if (len == 0 || len > KEYFILE_PLAIN || size < need)
		return (-1);
	if (RAND_bytes(blob, KEYFILE_NONCE) != 1 ||
	    keyfile_gcm(kf, 1, unit, blob, (const uint8_t *)plain, (int)len,
	    blob + KEYFILE_NONCE, blob + KEYFILE_NONCE + len) == -1)
		goto out;
	memcpy(out, KEYFILE_PREFIX, strlen(KEYFILE_PREFIX));
	EVP_EncodeBlock((uint8_t *)out + strlen(KEYFILE_PREFIX), blob,
	    KEYFILE_NONCE + len + KEYFILE_TAG);
	rc = 0;
out:
	explicit_bzero(blob, sizeof blob);
	return (rc);
}

/*
 * The key text of unit (protocol, account) from its sealed form into
 * plain (NUL-terminated). -1 if it is not sealed, was sealed with another
 * key file or for another unit, or was changed.
 */
int
db_keyfile_unseal(const struct db_keyfile *kf, const char *protocol,
    const char *account, const char *sealed, char *plain, size_t size)
{
	uint8_t		 blob[KEYFILE_NONCE + KEYFILE_PLAIN + KEYFILE_TAG + 3];
	const char	*b64;
	char		 unit[40];
	size_t		 b64len;
	int		 n, len, rc = -1;

	if (!db_keyfile_sealed(sealed))
		return (-1);
	b64 = sealed + strlen(KEYFILE_PREFIX);
	b64len = strlen(b64);
	if (b64len == 0 || b64len % 4 != 0 || b64len / 4 * 3 > sizeof blob ||
	    (n = EVP_DecodeBlock(blob, (const uint8_t *)b64, b64len)) < 0)
		return (-1);
	n -= (b64[b64len - 1] == '=') + (b64[b64len - 2] == '=');
	len = n - KEYFILE_NONCE - KEYFILE_TAG;
	if (len <= 0 || (size_t)len >= size)
		goto out;
	snprintf(unit, sizeof unit, "%s:%s", protocol, account);
	if (keyfile_gcm(kf, 0, unit, blob, blob + KEYFILE_NONCE, len,
	    (uint8_t *)plain, blob + KEYFILE_NONCE + len) == 0) {
		plain[len] = '\0';
		rc = 0;
	} else
		explicit_bzero(plain, size);
out:
	explicit_bzero(blob, sizeof blob);
	return (rc);
}
