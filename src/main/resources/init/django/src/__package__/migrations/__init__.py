"""Database migrations of {{package}}: python manage.py makemigrations {{package}}"""
